// Reading Prometheus text in tests, and Debian's real promtool to check it.
import { execa } from 'execa';

// Every sample line as "name{labels}" → value.
export const samples = (text: string) =>
  new Map(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]),
  );
export const promtoolCheck = (text: string) =>
  execa('promtool', ['check', 'metrics'], { input: text, reject: false, all: true });
