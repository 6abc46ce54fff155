// Uploads of content in flight in this run, by SHA-256: a second file with the same bytes waits
// for the first and records a dedup instead of sending them again.

export interface InFlight {
  has(sha256: string): boolean;
  wait(sha256: string): Promise<string | null>;
}

export class InFlightUploads implements InFlight {
  private readonly running = new Map<string, Promise<string | null>>();
  has(sha256: string): boolean {
    return this.running.has(sha256);
  }
  wait(sha256: string): Promise<string | null> {
    return this.running.get(sha256) ?? Promise.resolve(null);
  }
  // Announce an upload; settle it with the key the content ended up under, or null.
  claim(sha256: string): (key: string | null) => void {
    let settle!: (key: string | null) => void;
    this.running.set(sha256, new Promise((resolve) => (settle = resolve)));
    return (key) => settle(key);
  }
}
