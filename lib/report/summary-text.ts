// The run summary as a person reads it at the end of a run.
import { formatBytes } from '../humanize.ts';
import type { RunSummary } from './summary.ts';

const MAX_PROBLEMS_SHOWN = 20;

export function formatSummary(s: RunSummary): string {
  // Most first, then by name: the same run always reads the same, whatever order the scan met them in.
  const skipped =
    Object.entries(s.skipped)
      .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const sent = s.dryRun
    ? `would upload ${s.wouldUpload} (${formatBytes(s.bytesToSend)} to send), copy ${s.wouldCopy} on the server, adopt ${s.wouldAdopt} more (adding our sha256)`
    : `uploaded ${s.uploaded} (${formatBytes(s.bytesUploaded)}, ${formatBytes(s.throughputBytesPerSec)}/s)${s.copied ? `, copied ${s.copied} on the server${s.keysPruned ? ` (${s.keysPruned} old keys removed)` : ''}` : ''}`;
  const adopted = `already in bucket ${s.adopted}${s.metadataAdded ? ` (${s.metadataAdded} given our sha256)` : ''}`;
  const lines = [
    `${s.dryRun ? '[dry-run] ' : ''}sync ${s.status}: ${s.scanned} scanned, ${s.complete} complete, ${s.new} new or changed`,
    `  ${sent}, deduplicated ${s.deduplicated}, ${adopted}, conflicts ${s.conflicts}, failed ${s.failed}${s.notAttempted ? `, not attempted ${s.notAttempted}` : ''}`,
    `  skipped: ${skipped}`,
    `  took ${(s.durationMs / 1000).toFixed(2)} s`,
  ];
  if (s.processing)
    lines.push(
      `  processing: ${s.processing.ran ? `ran, exit ${s.processing.exitCode ?? '?'}` : 'not run'} (${s.processing.reason})`,
    );
  for (const p of s.problems.slice(0, MAX_PROBLEMS_SHOWN))
    lines.push(`  ${p.kind}: ${p.path}${p.detail ? ` (${p.detail})` : ''}`);
  if (s.problems.length > MAX_PROBLEMS_SHOWN)
    lines.push(`  … and ${s.problems.length - MAX_PROBLEMS_SHOWN} more problems (see the log)`);
  return lines.join('\n');
}
