// Debian's real Chromium, headless, driven by playwright-core: pages are tested as rendered.
import fs from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import type { Availability } from './requires.ts';
import { tempDir } from './env.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable: Availability = fs.existsSync(CHROMIUM)
  ? { ok: true }
  : { ok: false, why: `${CHROMIUM} is missing (apt-get install chromium; .ci/run does this)` };

// An empty profile folder each time (playwright passes it as --user-data-dir).
export async function launchChromium(viewport = { width: 960, height: 900 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir('chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
