// Listing directories ahead of the walk, so the stat workers always have the next directories'
// stats queued instead of waiting for the walk to reach them (for 100,000 files, the walk and
// the stats then overlap instead of taking turns). Ahead goes depth first, in the walk's own
// order (subdirectories by name), through real directories only (never a link), and at most
// `budgetFiles` entries ahead: memory stays bounded, and a loop the walk refuses (a bind mount
// of a parent) is never listed further than the budget.
import type { Place } from './places.ts';

// What the lookahead needs of a listing: its entries that are real directories, and its size.
export interface AheadListing {
  readonly wanted?: ReadonlyArray<{ readonly place: Place; readonly directory: boolean }>;
}

export const LOOKAHEAD_FILES = 8192;

// A listing counts its entries, and at least one (a chain of empty folders is bounded too).
const weight = (l: AheadListing) => 1 + (l.wanted?.length ?? 0);

const byText = (a: Place, b: Place) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);

export class Lookahead<L extends AheadListing> {
  // Directories still to list ahead, the next one last.
  private readonly stack: Place[] = [];
  private readonly ahead = new Map<string, L>();
  private files = 0;

  constructor(
    private readonly list: (place: Place) => L,
    private readonly budgetFiles = LOOKAHEAD_FILES,
  ) {}

  // The walk starts at `listing` (listed by the walk itself): its subdirectories come next.
  from(listing: L): void {
    this.push(listing);
    this.fill();
  }

  // The listing made ahead for the directory at `text` (handed over once), or undefined.
  take(text: string): L | undefined {
    const l = this.ahead.get(text);
    if (!l) return undefined;
    this.ahead.delete(text);
    this.files -= weight(l);
    this.fill();
    return l;
  }

  private push(listing: L): void {
    const dirs = (listing.wanted ?? [])
      .filter((w) => w.directory)
      .map((w) => w.place)
      .sort(byText);
    for (let i = dirs.length - 1; i >= 0; i--) this.stack.push(dirs[i]!);
  }

  private fill(): void {
    while (this.files < this.budgetFiles && this.stack.length) {
      const place = this.stack.pop()!;
      const l = this.list(place);
      this.ahead.set(place.text, l);
      this.files += weight(l);
      this.push(l);
    }
  }
}
