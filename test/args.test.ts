import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFlags, parsePositiveInt } from '../lib/args.ts';
import { UsageError } from '../lib/errors.ts';

const spec = { force: { type: 'boolean', default: false }, concurrency: { type: 'string' } } as const;

test('known flags parse; unknown flags and stray arguments are usage errors that point to --help', () => {
  assert.equal({ ...parseFlags(['--force', '--concurrency', '3'], spec) }, { force: true, concurrency: '3' });
  for (const argv of [['--frobnicate'], ['stray'], ['--concurrency']]) {
    assert.throws(
      () => parseFlags(argv, spec),
      (e: unknown) => e instanceof UsageError && /see --help/.test((e as Error).message),
    );
  }
});

test('an unknown flag names the nearest real one, and none when nothing is near', () => {
  const message = (argv: string[]) => {
    try {
      parseFlags(argv, spec);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.is(message(['--forse']), 'unknown option --forse (did you mean --force?) (see --help)');
  assert.is(message(['--concurency', '3']), 'unknown option --concurency (did you mean --concurrency?) (see --help)');
  assert.is(message(['--frobnicate']), 'unknown option --frobnicate (see --help)');
});

test('whole numbers', () => {
  assert.is(parsePositiveInt(undefined, '--port'), undefined);
  assert.is(parsePositiveInt('9000', '--port'), 9000);
  assert.throws(() => parsePositiveInt('9k', '--port'), /--port: expected a whole number, got "9k"/);
});

test.run();
