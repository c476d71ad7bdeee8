import type { App } from "../../app-env";
import { registerCreateTemplate } from "./create";
import { registerDeleteTemplate } from "./delete";
import { registerGetTemplate } from "./get";
import { registerListTemplates } from "./list";
import { registerRenderTemplate } from "./render";
import { registerUpdateTemplate } from "./update";

/** `/v1/templates`: stored, versioned templates and partials. */
export function registerTemplateRoutes(app: App): void {
  registerCreateTemplate(app);
  registerListTemplates(app);
  registerGetTemplate(app);
  registerUpdateTemplate(app);
  registerDeleteTemplate(app);
  registerRenderTemplate(app);
}
