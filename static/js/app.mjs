// Loaded as an ES module from base.html. Kept in a file, never inline, because the
// content security policy forbids inline scripts.
import { initAll } from "./govuk-frontend.min.js";
import "./print.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
