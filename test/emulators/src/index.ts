export {
  type EmulatorDefinition,
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "./emulator-server";
