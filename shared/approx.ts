import { FunctionArgumentType, FunctionPlugin, HyperFormula, type ImplementedFunctions } from 'hyperformula';

type PluginArgs = Parameters<FunctionPlugin['evaluateAst']>;
type ProcedureAst = { args: PluginArgs[0][] };
type InterpreterState = PluginArgs[1];

/** One rounded figure can be off by half a cent of 万元. */
export const HALF_CENT = 0.005;
/** Float noise in sums of two-decimal figures, far below any real difference. */
const EPSILON = 1e-7;

export function withinRounding(a: number, b: number, terms: number): boolean {
  return Math.abs(a - b) <= terms * HALF_CENT + EPSILON;
}

/**
 * APPROX(a, b, n): TRUE when a and b differ by no more than n × 0.005 — what n independently rounded
 * figures can add up to. APPROXSTRICT is the same comparison with no allowance; the engine evaluates
 * both, so a check that only holds with the allowance is reported as a 尾数差, never as an error.
 */
export class ApproxPlugin extends FunctionPlugin {
  static override implementedFunctions: ImplementedFunctions = {
    APPROX: {
      method: 'approx',
      parameters: [
        { argumentType: FunctionArgumentType.NUMBER },
        { argumentType: FunctionArgumentType.NUMBER },
        { argumentType: FunctionArgumentType.NUMBER, defaultValue: 2 },
      ],
    },
    APPROXSTRICT: {
      method: 'approxStrict',
      parameters: [
        { argumentType: FunctionArgumentType.NUMBER },
        { argumentType: FunctionArgumentType.NUMBER },
        { argumentType: FunctionArgumentType.NUMBER, defaultValue: 2 },
      ],
    },
    APPROXSTATE: {
      method: 'approxState',
      parameters: [
        { argumentType: FunctionArgumentType.NUMBER },
        { argumentType: FunctionArgumentType.NUMBER },
        { argumentType: FunctionArgumentType.NUMBER, defaultValue: 2 },
      ],
    },
  };

  approx(ast: ProcedureAst, state: InterpreterState) {
    return this.runFunction(ast.args as never, state, this.metadata('APPROX'), (a: number, b: number, n: number) => withinRounding(a, b, n));
  }

  approxStrict(ast: ProcedureAst, state: InterpreterState) {
    return this.runFunction(ast.args as never, state, this.metadata('APPROXSTRICT'), (a: number, b: number) => Math.abs(a - b) <= EPSILON);
  }

  /**
   * APPROXSTATE(a, b, n): both readings of APPROX in one cell, its arguments evaluated once — 0 when
   * APPROXSTRICT holds, 1 when only APPROX does (a 尾数差), 2 when neither. The engine compiles a generated
   * check that is one APPROX call to it instead of a strict twin.
   */
  approxState(ast: ProcedureAst, state: InterpreterState) {
    return this.runFunction(ast.args as never, state, this.metadata('APPROXSTATE'), (a: number, b: number, n: number) =>
      Math.abs(a - b) <= EPSILON ? 0 : withinRounding(a, b, n) ? 1 : 2,
    );
  }
}

let registered = false;
export function registerApprox(): void {
  if (registered) return;
  HyperFormula.registerFunctionPlugin(ApproxPlugin, { enGB: { APPROX: 'APPROX', APPROXSTRICT: 'APPROXSTRICT', APPROXSTATE: 'APPROXSTATE' } });
  registered = true;
}
