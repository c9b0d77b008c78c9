// Roundtable lists come a page at a time (GET /api/v1/roundtables:
// ?limit= up to 200, ?cursor= the previous page's next_cursor).
import { api } from "/assets/api.js";

export const PAGE = 50;

// roundtablePages reads the list of query (URLSearchParams or a string)
// from cursor on until it holds at least want roundtables (Infinity:
// all) or the list ends; cursor is then where it goes on ("" at the end).
export async function roundtablePages(query, want = PAGE, cursor = "") {
  const list = [];
  do {
    const q = new URLSearchParams(query);
    q.set("limit", String(Math.min(200, Math.max(PAGE, want - list.length))));
    if (cursor) q.set("cursor", cursor);
    const page = await api("GET", "/roundtables?" + q);
    list.push(...page.roundtables);
    cursor = page.next_cursor || "";
  } while (cursor && list.length < want);
  return { list, cursor };
}
