/** Builds a Postmark adapter from settings, and the capabilities it declares. */
export { createPostmarkProvider, postmarkCapabilities } from "./postmark-provider";
/** The settings of one Postmark server, and their schema for config validation. */
export {
  type PostmarkFetch,
  type PostmarkSettings,
  postmarkSettingsSchema,
} from "./postmark-settings";
