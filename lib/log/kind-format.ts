// What every group of log kinds shares: levels, the formatter a kind has, and the helper that
// writes an entry's fields beside its message.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface KindFormat<E> {
  readonly level: LogLevel | ((e: E) => LogLevel);
  readonly message: (e: E) => string;
  // The fields written beside the message (default: every field of the entry but `kind`).
  readonly fields?: (e: E) => LogFields;
}

// One formatter per kind of a union of entries.
export type KindFormats<U extends { readonly kind: string }> = {
  readonly [K in U['kind']]: KindFormat<Extract<U, { kind: K }>>;
};

// The entry's fields but `kind` and `keys`.
export const without = <E extends object, K extends keyof E>(e: E, ...keys: K[]): LogFields => {
  const out: LogFields = { ...(e as LogFields) };
  for (const k of ['kind', ...keys]) delete out[k as string];
  return out;
};
