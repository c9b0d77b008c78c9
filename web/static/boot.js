// Loads a page's client bundle (data-bundle on this script's tag). When
// the bundle was never built, the page says so (data-missing names the
// element to show, data-hide the one to hide). It is a classic deferred
// script (so it knows its own tag) and a file rather than an inline
// onerror handler, because the Content-Security-Policy allows no inline
// script.
const { bundle, missing, hide } = document.currentScript.dataset;

import(bundle).catch(async (err) => {
  const res = await fetch(bundle, { method: "HEAD" }).catch(() => null);
  if (res && res.ok) throw err; // built but failing: a real error, for the console
  if (hide) document.getElementById(hide).hidden = true;
  document.getElementById(missing).hidden = false;
});
