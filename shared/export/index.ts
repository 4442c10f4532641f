/**
 * Export and print (issue 7). Pure TypeScript: the caller supplies bytes in and takes bytes out, and supplies
 * the PDF printer (node/pdf.ts in Node, webContents.printToPDF in Electron).
 */
export { exportWorkbook, exportTableWorkbooks, standaloneSheet, readsOutside, safeFileName, type WorkbookExportOptions, type SheetWorkbook } from './workbook.js';
export { buildPacketHtml, packetUnit, packetYear, type PacketDocument, type PacketDocumentInput, type TocEntry, type PageMap, type PacketLayout, type AppendixSection, type Orientation } from './document.js';
export { renderSheet, styleCss, sheetGeometry, type RenderedSheet, type PageGeometry, type PaperSize, pageMm, PAPER_MM } from './sheet-html.js';
export { printPacketPdf, PRINT_OPTIONS, type PdfPrinter, type PacketPdf, type ExportProgress, type PrintPassOptions, type PacketPrintOptions } from './pdf.js';
export { printParts, parsePageRange, selectedPages, rangesText, type PrintPart, type PrintSelection } from './print.js';
export { readPdfOutline, type PdfOutline } from './pdf-dests.js';
export { formatCellText } from '../numfmt.js';
export { missingPartText, printNarrative, PART_NAMES, type PacketNarrative, type NarrativePart, type NarrativeBlock, type NarrativePartKey } from './narrative.js';
export { exportPacket, exportErrors, EXPORT_FILES, type PacketExport, type PacketExportOptions, type ExportArtifact, type ClosablePrinter } from './packet.js';
export { coverDate, storedCoverDate, setCoverDate, formatCoverDate } from './cover.js';
export { exportPublicWorkbook, publicPacket, publicPrintPacket, publicSheets, fittedRowHeights, FORMS_TOKEN, PUBLIC_FOOTER, type PublishDeclaration } from './public.js';
export { addPdfOutline, readPdfBookmarks, type OutlineEntry } from './pdf-outline.js';
