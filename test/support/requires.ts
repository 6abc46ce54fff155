// Tests that need a real component (a Docker engine, PostgreSQL, cron, a Ceph cluster) are
// defined through `needing`: when the component is there they run; when it is not, they fail
// under CI=true (a test that did not run did not pass) and are counted as skipped elsewhere.
import type { Test } from 'uvu';

export const IN_CI = process.env.CI === 'true';

export type Availability = { readonly ok: true } | { readonly ok: false; readonly why: string };

type Define = (name: string, fn: () => unknown) => void;

export function needing(test: Test, component: string, available: Availability): Define {
  if (available.ok) return (name, fn) => test(name, fn as () => Promise<void>);
  console.log(`SKIPPED: ${component}: ${available.why}${IN_CI ? ' (CI=true: counted as failed)' : ''}`);
  if (IN_CI) {
    return (name) =>
      test(name, () => {
        throw new Error(`${component} is not available here: ${available.why}`);
      });
  }
  return (name, fn) => test.skip(name, fn as () => Promise<void>);
}
