// The 'disk' test project: every job without an explicit JobOptions.stateBackend uses the disk backend.
import { setStateBackendForTests } from '../../src/state/backendFactory';

setStateBackendForTests('disk');
