// What the hub hands the comparing process and what it gets back: plain
// data, so the process boundary is a JSON document each way.

/** One file to compare, and whose it is. */
export interface ComparedFile {
  /** Index into `owners`: files of one owner are never compared with each other. */
  owner: number;
  /** The file's path in its submission (its extension picks the language). */
  path: string;
  content: string;
}

/** The submission a file belongs to. */
export interface ComparedOwner {
  /** From an earlier offering: two earlier submissions are never paired. */
  earlier: boolean;
}

export interface ComparisonInput {
  owners: ComparedOwner[];
  files: ComparedFile[];
  /** Starter code by path: its fragments are Dolos's template, ignored in every pair. */
  starter: Array<{ path: string; content: string }>;
  /** Pairs kept, the most similar first. */
  maxPairs: number;
}

/** A region as Dolos gives it: rows and columns from 0. */
export interface Region {
  startRow: number;
  startCol: number;
  endRow: number;
  endCol: number;
}

/** The best-matching files of two owners. */
export interface ComparedPair {
  left: number;
  right: number;
  similarity: number;
  longest: number;
  overlap: number;
  fragments: Array<{ left: Region; right: Region }>;
}

export interface ComparisonOutput {
  /** Dolos's language, when one was found. */
  language?: string;
  /** Files (indices) left out because they are not in that language. */
  otherLanguage: number[];
  pairs: ComparedPair[];
  /** Why nothing could be compared, when so. */
  problem?: string;
}
