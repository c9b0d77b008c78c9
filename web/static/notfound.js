// The page a mistyped address or an old link gets: says so, in the
// visitor's language, and leads back to the top (which takes someone
// logged in to her own page).
import { setupLanguageSwitch } from "/assets/i18n.js";

setupLanguageSwitch();
