// A stand-in for the docker CLI, named as such: a shell script called `docker` put first on PATH
// for tests of what the sync asks of docker (the real engine is in test/e2e/stack.test.ts). It
// says every container runs, and for `exec` records the command line and what came on standard
// input, exiting with the code written in its folder's `exit` file (0 when there is none).
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './env.ts';

export interface FakeDocker {
  // Put this first on PATH.
  readonly bin: string;
  setExit(code: number): void;
  // Each `docker exec`: its arguments and its standard input.
  execs(): Array<{ args: string; stdin: string }>;
}

const SCRIPT = `#!/bin/sh
dir="$(dirname "$0")"
case "$1" in
  inspect) echo '{"Status":"running","Running":true,"ExitCode":0}' ;;
  exec)
    n=$(ls "$dir" | grep -c '^exec-' )
    echo "$*" > "$dir/exec-$n.args"
    case " $* " in *" -i "*) cat > "$dir/exec-$n.stdin" ;; *) : > "$dir/exec-$n.stdin" ;; esac
    echo "processing done by the stand-in"
    exit "$(cat "$dir/exit" 2>/dev/null || echo 0)" ;;
  *) echo "fake docker: $*" >&2; exit 1 ;;
esac
`;

export function fakeDocker(): FakeDocker {
  const bin = tempDir('fake-docker');
  fs.writeFileSync(path.join(bin, 'docker'), SCRIPT, { mode: 0o755 });
  return {
    bin,
    setExit: (code) => fs.writeFileSync(path.join(bin, 'exit'), String(code)),
    execs: () =>
      fs
        .readdirSync(bin)
        .filter((n) => /^exec-\d+\.args$/.test(n))
        .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]))
        .map((n) => ({
          args: fs.readFileSync(path.join(bin, n), 'utf8').trim(),
          stdin: fs.readFileSync(path.join(bin, n.replace('.args', '.stdin')), 'utf8'),
        })),
  };
}
