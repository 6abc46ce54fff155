// What a configuration key is: its default, its documentation line and its parser.
import path from 'node:path';
import * as v from './values.ts';

export interface ParseContext {
  // Relative paths are resolved against this folder (the project's).
  readonly root: string;
  // The raw value of another key, for the few checks that involve two keys.
  raw(key: string): string;
  // Report a problem beyond the first (a parser that finds one problem throws Expected).
  problem(text: string): void;
}

export interface KeySpec<T> {
  readonly default: string;
  // One line for the README table (Markdown); written as phrases in the tables, joined here.
  readonly doc: string;
  readonly parse: (raw: string, ctx: ParseContext) => T;
}

export const key = <T>(
  defaultValue: string,
  doc: string | readonly string[],
  parse: (raw: string, ctx: ParseContext) => T,
): KeySpec<T> => ({
  default: defaultValue,
  doc: typeof doc === 'string' ? doc : doc.join(' '),
  parse,
});
export const pathIn = (raw: string, ctx: ParseContext): string => path.resolve(ctx.root, v.required('a path')(raw));
