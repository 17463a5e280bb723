// Pages of /history/requests (docs/protocol.md, "History"): the query with only the filters that are set, and the
// cursor walk (each page's `next` is the next page's `cursor`, null at the end). The fetching itself is passed in.

const FILTERS = ['caller', 'target', 'status', 'path', 'from', 'to', 'order', 'limit'];

/** The query string for one page: set filters only, in a fixed order, and the cursor when there is one. */
export function requestsQuery(filters, cursor) {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = filters[name];
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value).trim());
  }
  if (cursor !== null && cursor !== undefined) params.set('cursor', String(cursor));
  return `history/requests?${params}`;
}

/**
 * Walks the pages of one query. `fetchPage(url)` resolves to the server's document ({ rows, next }). One page at a
 * time: a call while one loads answers the same promise.
 */
export function createPager(fetchPage, filters) {
  let cursor = null;
  let done = false;
  let loading = null;
  let pages = 0;
  return {
    next() {
      if (loading) return loading;
      if (done) return Promise.resolve([]);
      loading = fetchPage(requestsQuery(filters, cursor)).then((doc) => {
        const rows = doc && Array.isArray(doc.rows) ? doc.rows : [];
        const next = doc ? doc.next : null;
        cursor = next;
        done = next === null || next === undefined || rows.length === 0;
        pages++;
        return rows;
      }).finally(() => {
        loading = null;
      });
      return loading;
    },
    get done() {
      return done;
    },
    get loading() {
      return loading !== null;
    },
    get pages() {
      return pages;
    },
  };
}

/** An HTTP answer that is not 2xx, with its status and the server's `error` text. */
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** GETs a JSON document relative to the page; a non-2xx answer rejects with an HttpError. */
export async function getJson(url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  let doc = null;
  try {
    doc = await response.json();
  } catch (e) {
    doc = null;
  }
  if (!response.ok) {
    const said = doc && typeof doc.error === 'string' ? doc.error : response.statusText;
    throw new HttpError(response.status, `${response.status} ${said}`);
  }
  return doc;
}
