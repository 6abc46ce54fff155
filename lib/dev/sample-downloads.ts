// A sample download tree shaped like the real downloaders' output (see FIELD-NOTES): tdl's flat
// <dialog>_<message>_<name> files with message-date mtimes and a .tmp partial, the download
// daemon's spaces, -XXXXXXXX duplicates and a .tdd partial, media_downloader's chat/type folders.
import fs from 'node:fs';
import path from 'node:path';

export interface SampleFile {
  readonly rel: string;
  readonly content: string | Buffer;
  readonly messageDate?: Date;
}

export const SAMPLE_FILES: readonly SampleFile[] = [
  {
    rel: 'tdl/-1001234567_101_Report Q3 2026.pdf',
    content: '%PDF-1.4 quarterly report\n',
    messageDate: new Date('2026-10-01T09:30:00Z'),
  },
  {
    rel: 'tdl/-1001234567_102_фото с праздника.jpg',
    content: 'JPEG holiday photo bytes',
    messageDate: new Date('2025-12-31T23:59:00Z'),
  },
  { rel: 'tdl/-1001234567_103_long video.mp4.tmp', content: 'half a video…' },
  { rel: 'daemon/Song name.mp3', content: 'ID3 the same song' },
  { rel: 'daemon/Song name-a1B2c3D4.mp3', content: 'ID3 the same song' },
  { rel: 'daemon/lecture recording.mp4.tdd', content: 'still downloading' },
  { rel: 'media/-1009876543/photo/IMG 2026 😀.jpg', content: 'JPEG emoji' },
  { rel: 'media/-1009876543/document/Café menu.docx', content: 'PK docx bytes' },
  { rel: 'media/.thumbnails/skip-me.jpg', content: 'hidden' },
];

export function createSampleDownloads(root: string): string[] {
  const written: string[] = [];
  for (const f of SAMPLE_FILES) {
    const abs = path.join(root, f.rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, f.content);
    if (f.messageDate) fs.utimesSync(abs, f.messageDate, f.messageDate);
    written.push(abs);
  }
  return written;
}
