// File upload with XMLHttpRequest, which (unlike fetch) reports upload progress.
// POST /api/imports: its query (the options) is typed from the contract.
import { startImport, type ImportOptions } from '../../../contract/imports';
import { routeUrl } from './call';
import { ApiError, requestHeaders } from './client';
import { sessionExpired } from './session-store';

/** How to read the file (kind, level, fields…; `replace: 'true'` confirms replacing a loaded level). */
export type UploadOptions = ImportOptions;

export interface UploadHandle {
  promise: Promise<{ id: string }>;
  abort: () => void;
}

export function importUrl(fileName: string, opts: UploadOptions): string {
  return routeUrl(startImport, { query: { ...opts, filename: fileName } });
}

export function uploadImport(file: File, opts: UploadOptions, onProgress: (loaded: number, total: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<{ id: string }>((resolve, reject) => {
    xhr.open('POST', importUrl(file.name, opts));
    for (const [k, v] of Object.entries(requestHeaders('POST', { 'content-type': 'application/octet-stream' })))
      xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload failed: the server could not be reached.'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled.'));
    xhr.onload = () => {
      if (xhr.status === 401) sessionExpired();
      let body: any = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // fall through
      }
      if (xhr.status >= 200 && xhr.status < 300 && body && body.id !== undefined) {
        resolve({ id: String(body.id) });
      } else {
        const err = body?.error;
        reject(
          new ApiError(
            xhr.status,
            err?.code ?? `http_${xhr.status}`,
            err?.message ?? `Upload failed (${xhr.status} ${xhr.statusText})`,
            err?.details,
          ),
        );
      }
    };
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}
