export { exitCodes } from './exit-codes.js';
export {
  Conflict,
  type ErrorKind,
  InvalidInput,
  isMusubiError,
  MusubiError,
  NotFound,
  Unauthorized,
} from './musubi-error.js';
