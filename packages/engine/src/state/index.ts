export { BinaryFormatError, ByteReader, ByteWriter, decodeEntries, decodeValue, encodeValue } from './binary';
export {
  type AggregateFunction,
  AggregatingStateDescriptor,
  defaultCopy,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
  type StateTtlConfig,
  ValueStateDescriptor,
} from './descriptors';
export {
  compareKeys,
  createHeapKeyedStateBackend,
  cursorOf,
  HeapKeyedStateBackend,
  type HeapKeyedStateBackendOptions,
} from './HeapKeyedStateBackend';
export { decodeEncodedEntries } from './HeapKeyedStateSnapshot';
export { HeapStateTable } from './HeapStateTable';
export {
  bitMix,
  javaHashCode,
  type Key,
  KeyGroupRange,
  KeyGroupRangeAssignment,
  murmurHash,
  stringHashCode,
  UPPER_BOUND_MAX_PARALLELISM,
} from './keyGroups';
export { createOperatorStateBackend, evenSplitRange } from './OperatorStateBackend';
export {
  type AggregatingState,
  type ColumnarEntries,
  type EncodedEntries,
  type EncodedKeyedStateSnapshot,
  type InternalAggregatingState,
  type InternalAppendingState,
  type InternalKvState,
  type InternalListState,
  type InternalMapState,
  type InternalMergingState,
  type InternalReducingState,
  type InternalValueState,
  type KeyedStateBackend,
  type KeyedStateSnapshot,
  type KeyedStateSnapshotData,
  type KeyedStateSnapshotStateData,
  type ListKeysOptions,
  type ListKeysResult,
  type ListState,
  type MapState,
  type Namespace,
  type OperatorListState,
  type OperatorStateBackend,
  type OperatorStateSnapshotData,
  type ReducingState,
  StateBackendError,
  type StateKind,
  type StateTable,
  type ValueState,
  VOID_NAMESPACE,
} from './types';
