// A zip written as it is made: each file's text is deflated as its chunks
// arrive and handed on at once, so memory holds a chunk, not the archive.
// fflate (kept, no dependencies) writes the zip's data descriptors after each
// file, which is what lets a zip stream: no file's size is needed in advance.
// Files are written one after another, in the order given.
import { Zip, ZipDeflate } from 'fflate';

export interface ZipFile {
  name: string;
  /** The file's text, a chunk at a time (UTF-8). */
  chunks: () => AsyncIterable<string>;
}

const encoder = new TextEncoder();

export async function* zipStream(files: AsyncIterable<ZipFile> | Iterable<ZipFile>): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let failed: Error | null = null;
  const zip = new Zip((err, data) => {
    if (err) failed = err;
    else out.push(data);
  });
  const drain = function* () {
    if (failed) throw failed;
    while (out.length) yield out.shift()!;
  };
  for await (const file of files) {
    const entry = new ZipDeflate(file.name, { level: 6 });
    zip.add(entry);
    for await (const text of file.chunks()) {
      if (!text) continue;
      entry.push(encoder.encode(text));
      yield* drain();
    }
    entry.push(new Uint8Array(0), true);
    yield* drain();
  }
  zip.end();
  yield* drain();
}
