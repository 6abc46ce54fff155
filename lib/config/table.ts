// Every configuration key in one table: its parser, its default and its documentation line, in
// three groups (./keys-sync.ts, ./keys-stack.ts, ./keys-monitor.ts). The loader reads this table;
// the README's configuration table and .env.example are checked against it
// (test/config/table.test.ts), so the three cannot drift apart.
import { MONITOR_KEYS } from './keys-monitor.ts';
import { STACK_KEYS } from './keys-stack.ts';
import { SYNC_KEYS } from './keys-sync.ts';

export const CONFIG_KEYS = { ...SYNC_KEYS, ...STACK_KEYS, ...MONITOR_KEYS } as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type ConfigValues = { readonly [K in ConfigKey]: ReturnType<(typeof CONFIG_KEYS)[K]['parse']> };

// The README's configuration table, rendered from CONFIG_KEYS.
export function renderConfigTable(): string {
  const rows = Object.entries(CONFIG_KEYS).map(
    ([name, k]) => `| \`${name}\` |${k.default ? ` \`${k.default}\` ` : ' '}| ${k.doc} |`,
  );
  return ['| key | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
