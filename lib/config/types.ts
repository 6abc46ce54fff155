// The configuration as the toolkit reads it: typed, grouped by concern, every value validated.
import type { SourceDir } from './sources.ts';

export type { SourceDir } from './sources.ts';

export interface StorageConfig {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly partSizeBytes: number;
  readonly requestTimeoutMs: number;
}

export interface DockerConfig {
  readonly ensureContainers: readonly string[];
  readonly djangoContainer: string;
  readonly processCommand: readonly string[];
  readonly processTimeoutMs: number;
  readonly startTimeoutMs: number;
  // DOCKER_* settings for the docker CLI's environment (from the environment or .env).
  readonly cliEnv: Readonly<Record<string, string>>;
}

export interface HealthConfig {
  readonly model: string;
  readonly keyField: string;
  readonly timeField: string;
  readonly windowMs: number;
  readonly maxAgeMs: number;
}

// What only `--watch` reads (ms).
export interface WatchConfig {
  readonly rescanMs: number;
  // A rescan proves the cache against the bucket at least this often.
  readonly proofMs: number;
  readonly stopTimeoutMs: number;
  readonly processDebounceMs: number;
  readonly processMinIntervalMs: number;
}

// Notifications and metrics (lib/monitor/).
export interface MonitorConfig {
  readonly telegram: { readonly token: string; readonly chatId: string; readonly apiUrl: string } | undefined;
  readonly webhookUrl: string;
  readonly on: 'failure' | 'change' | 'always';
  readonly repeatMs: number;
  readonly metricsFile: string;
  readonly listen: { readonly host: string; readonly port: number } | undefined;
  // The bearer token /metrics and /status require ('' = none).
  readonly metricsToken: string;
}

// What monitoring needs of the configuration: where runs are recorded and notes kept, where to
// notify, and the secrets to mask (enough to report a run that could not load the rest).
export type MonitorSettings = Pick<Config, 'monitor' | 'logDir' | 'lockFile'> & {
  readonly storage: Pick<StorageConfig, 'accessKey' | 'secretKey'>;
};

export interface Config {
  readonly storage: StorageConfig;
  readonly sources: readonly SourceDir[];
  readonly cacheFile: string;
  // Every run proves the cache against a listing of the bucket (SYNC_BUCKET_PROOF=listing).
  readonly bucketProof: boolean;
  // What a download folder that lost its mount, or is empty while cached, does to a run.
  readonly lostMount: 'fail' | 'warn';
  readonly emptySource: 'warn' | 'fail';
  readonly legacyCacheFile: string;
  readonly lockFile: string;
  readonly logDir: string;
  readonly logRetentionDays: number;
  readonly concurrency: number;
  // Files looked at in parallel (at least `concurrency`).
  readonly checkers: number;
  // How long a run waits for the lock a live run holds.
  readonly lockWaitMs: number;
  readonly watch: WatchConfig;
  // Bytes of file contents held in flight.
  readonly memoryBytes: number;
  readonly stableAfterMs: number;
  readonly partialSuffixes: readonly string[];
  readonly exclude: readonly string[];
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly docker: DockerConfig;
  readonly health: HealthConfig;
  readonly monitor: MonitorConfig;
  readonly cronSchedule: string;
  readonly cronTz: string;
  // What is wrong but does not stop a run (unknown keys, secrets others can read), for the command
  // to show at its start.
  readonly warnings?: readonly string[];
}
