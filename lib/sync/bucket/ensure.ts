// The bucket a run writes to: checked first (refused credentials end the run here, before any
// file), created through the dry-run gate when it is missing.
import type { Gate } from '../../gate.ts';
import type { Logger } from '../../log/logger.ts';
import type { Storage } from '../../storage/types.ts';

export async function ensureBucket(
  storage: Storage,
  deps: { readonly gate: Gate; readonly log: Logger },
): Promise<void> {
  if (await storage.bucketExists()) return;
  await deps.gate.run('create bucket', { bucket: storage.bucket }, async () => {
    await storage.createBucket();
    deps.log.write({ kind: 'bucket.created', bucket: storage.bucket });
  });
}
