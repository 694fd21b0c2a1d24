// What the gradebook's webview may say to the extension, checked in this one
// place: a message is turned into a new query (search, sort, filter) or an
// action (open a cell, export, refresh, ready), and anything else — a wrong
// type, an unknown column or filter, an overlong search — is dropped. The
// webview is a page like any other; its messages are input.

import { CELL_FILTERS, type CellFilter, type Gradebook, type GradebookQuery } from './gradebook-model';
import { parseSortColumn, sortColumnId } from './gradebook-html';

/** What one message asks for. */
export type GradebookIntent =
  | { kind: 'query'; query: GradebookQuery }
  | { kind: 'open'; studentId: string; assignmentId: string }
  | { kind: 'export' }
  | { kind: 'refresh' }
  | { kind: 'ready' };

/** Longest search kept (characters). */
const MAX_SEARCH = 200;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The intent of a message from the webview, given the current query; undefined for a message to drop. */
export function readMessage(message: unknown, query: GradebookQuery, book: Gradebook): GradebookIntent | undefined {
  if (!isRecord(message) || typeof message.type !== 'string') return undefined;
  switch (message.type) {
    case 'ready':
    case 'export':
    case 'refresh':
      return { kind: message.type };
    case 'withdrawn':
      if (typeof message.show !== 'boolean') return undefined;
      return { kind: 'query', query: { ...query, withdrawn: message.show } };
    case 'search':
      if (typeof message.text !== 'string') return undefined;
      return { kind: 'query', query: { ...query, search: message.text.slice(0, MAX_SEARCH) } };
    case 'sort': {
      if (typeof message.column !== 'string') return undefined;
      const column = parseSortColumn(message.column, book.assignments);
      if (!column) return undefined;
      // The same column again turns the order round; a new column starts ascending.
      const same = sortColumnId(column) === sortColumnId(query.sort);
      return { kind: 'query', query: { ...query, sort: column, descending: same ? !query.descending : false } };
    }
    case 'filter': {
      const { assignmentId, filter } = message;
      if (typeof assignmentId !== 'string' || !book.assignments.some((a) => a.id === assignmentId)) return undefined;
      if (typeof filter !== 'string' || !(CELL_FILTERS as readonly string[]).includes(filter)) return undefined;
      const filters: Record<string, CellFilter> = { ...query.filters };
      if (filter === 'all') delete filters[assignmentId];
      else filters[assignmentId] = filter as CellFilter;
      return { kind: 'query', query: { ...query, filters } };
    }
    case 'open': {
      const { studentId, assignmentId } = message;
      if (typeof studentId !== 'string' || typeof assignmentId !== 'string' || !book.cell(studentId, assignmentId)) return undefined;
      return { kind: 'open', studentId, assignmentId };
    }
    default:
      return undefined;
  }
}
