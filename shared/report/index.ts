export * from './explanations.js';
export * from './report.js';
