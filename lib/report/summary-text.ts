// The run summary as a person reads it at the end of a run.
import { formatBytes, phrase } from '../humanize.ts';
import type { RunSummary } from './summary.ts';

const MAX_PROBLEMS_SHOWN = 20;

export function formatSummary(s: RunSummary): string {
  // Most first, then by name: the same run always reads the same, whatever order the scan met them in.
  const skipped =
    Object.entries(s.skipped)
      .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const outcome = phrase(
    `  ${transferPart(s)}, conflicts ${s.conflicts}, failed ${s.failed}`,
    s.notAttempted > 0 && `, not attempted ${s.notAttempted}`,
  );
  const lines = [
    phrase(
      s.dryRun && '[dry-run] ',
      `sync ${s.status}: ${s.scanned} scanned, ${s.complete} complete, ${s.new} new or changed`,
    ),
    outcome,
    `  skipped: ${skipped}`,
    `  took ${(s.durationMs / 1000).toFixed(2)} s`,
  ];
  if (s.processing) {
    const ran = s.processing.ran ? `ran, exit ${s.processing.exitCode ?? '?'}` : 'not run';
    lines.push(`  processing: ${ran} (${s.processing.reason})`);
  }
  for (const p of s.problems.slice(0, MAX_PROBLEMS_SHOWN))
    lines.push(`  ${p.kind}: ${p.path}${p.detail ? ` (${p.detail})` : ''}`);
  if (s.problems.length > MAX_PROBLEMS_SHOWN)
    lines.push(`  … and ${s.problems.length - MAX_PROBLEMS_SHOWN} more problems (see the log)`);
  return lines.join('\n');
}

// What was sent, or in a dry run what would be: the same nouns in the same order, so the dry run
// and the real run of one tree read alike (test/e2e/dry-run.test.ts compares them).
function transferPart(s: RunSummary): string {
  if (s.dryRun)
    return (
      `would upload ${s.wouldUpload} (${formatBytes(s.bytesToSend)}), copy ${s.wouldCopy} on the server, ` +
      `deduplicate ${s.deduplicated}, adopt ${s.wouldAdopt} already in the bucket`
    );
  return phrase(
    `uploaded ${s.uploaded} (${formatBytes(s.bytesUploaded)}, ${formatBytes(s.throughputBytesPerSec)}/s)`,
    `, copied ${s.copied} on the server`,
    s.keysPruned > 0 && ` (${s.keysPruned} old keys removed)`,
    `, deduplicated ${s.deduplicated}, adopted ${s.adopted} already in the bucket`,
    s.metadataAdded > 0 && ` (${s.metadataAdded} given our sha256)`,
  );
}
