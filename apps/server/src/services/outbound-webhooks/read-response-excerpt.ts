/**
 * Reads at most `maxBytes` of a response body and decodes them as UTF-8; it stops pulling (and so
 * destroys a stream) once the cap is reached, and keeps what arrived if the body fails midway.
 */
export async function readResponseExcerpt(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const kept = chunk.subarray(0, maxBytes - size);
      chunks.push(kept);
      size += kept.length;
      if (size >= maxBytes) {
        // Leaving the loop destroys the stream: the rest of a huge body is never read.
        break;
      }
    }
  } catch {
    // The status already decided the outcome; a body cut short (deadline, reset) only shortens
    // the excerpt, which is kept for display.
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
