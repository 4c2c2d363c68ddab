// The CHB page's part of the URL: /chb (the list) or /chb?id=3 (that area's dashboard). Pure parse and
// format; navigation goes through the app's navigate() so the header and the page follow.
export function parseChbId(search: string): number | null {
  const id = new URLSearchParams(search).get('id');
  return id && /^\d{1,9}$/.test(id) && Number(id) > 0 ? Number(id) : null;
}

export function chbUrl(id: number | null): string {
  return id === null ? '/chb' : `/chb?id=${id}`;
}
