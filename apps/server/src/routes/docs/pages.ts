/** Where the page's own files are served; every URL the page uses is on this mailroute. */
export const assetsPath = "/docs/assets";

/**
 * The policy of the docs page and its files: scripts, styles, fonts and requests only from this
 * mailroute. Swagger UI sets inline styles on its elements, so styles also allow `'unsafe-inline'`;
 * its stylesheet draws its icons as `data:` SVGs.
 */
export const docsContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Starts Swagger UI on `/openapi.json`. A file of its own rather than an inline script, so the
 * policy needs no `'unsafe-inline'` for scripts. No validator badge (it would call
 * validator.swagger.io); the try-it console sends the key given under "Authorize" as
 * `Authorization: Bearer …` (the document's `apiKey` scheme).
 */
export const initializerScript = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    displayOperationId: true,
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
});
`;

/** The `/docs` page: static text, nothing from the request is written into it. */
export const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mailroute API</title>
<link rel="stylesheet" href="${assetsPath}/swagger-ui.css">
<link rel="icon" type="image/png" sizes="32x32" href="${assetsPath}/favicon-32x32.png">
<link rel="icon" type="image/png" sizes="16x16" href="${assetsPath}/favicon-16x16.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${assetsPath}/swagger-ui-bundle.js"></script>
<script src="${assetsPath}/docs-initializer.js"></script>
</body>
</html>
`;
