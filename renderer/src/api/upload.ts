/**
 * Browser mode: stream a file to the server, which stores it where the engine may read it and
 * answers with that path. Same origin, so the auth cookie is sent and the page never holds a token.
 */
export async function uploadFile(file: File): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: file,
      credentials: 'same-origin',
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not upload ${file.name} to the Orchard server (${reason}). Is it still running?`);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (!response.ok) {
    throw new Error(
      `Uploading ${file.name} failed: ${errorText(body) ?? (text.trim() || response.statusText)}`,
    );
  }
  if (typeof body === 'object' && body !== null && 'path' in body && typeof body.path === 'string') {
    return body.path;
  }
  throw new Error(`Uploading ${file.name} failed: the server did not say where it stored the file.`);
}

function errorText(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  if ('message' in body && typeof body.message === 'string') return body.message;
  if ('error' in body) {
    const error = body.error;
    if (typeof error === 'string') return error;
    if (
      typeof error === 'object' &&
      error !== null &&
      'message' in error &&
      typeof error.message === 'string'
    ) {
      return error.message;
    }
  }
  return null;
}
