// GOV.UK Frontend: mark the body as JS-enabled (replaces the inline snippet, which CSP forbids).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
