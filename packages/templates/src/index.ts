export {
  checkTemplateSource,
  type SourceNeeds,
  type TemplateSyntaxProblem,
} from "./analyze-template";
export {
  TemplateRenderError,
  type TemplateRenderFailure,
  templateRenderFailures,
} from "./template-render-error";
export { createTemplateRenderer, type TemplateRenderer } from "./template-renderer";
export {
  type RenderedTemplate,
  type TemplateField,
  type TemplateKind,
  type TemplateSource,
  templateFields,
  templateKinds,
  type VersionedSource,
} from "./template-source";
