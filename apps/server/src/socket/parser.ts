/**
 * socket.io's own packet parser, except that a packet it cannot decode is dropped instead of closing the
 * connection. socket.io closes a connection on any decode error (`Client.ondata` → `onerror` → `close`); the
 * server promises that a bad message never disconnects a socket, and a malformed packet is a bad message like
 * any other. Nothing about the dropped packet can be answered (its event and acknowledgement id are unknown), so
 * it is counted (`malformedPackets()`).
 */
import { Decoder, Encoder, PacketType, protocol } from 'socket.io-parser';

type Reconstructor = { finishedReconstruction(): void } | null;

let dropped = 0;
/** Packets dropped because they could not be decoded, since the process started. */
export function malformedPackets(): number {
  return dropped;
}

class TolerantDecoder extends Decoder {
  // biome-ignore lint/suspicious/noExplicitAny: socket.io-parser's own signature
  override add(obj: any): void {
    try {
      super.add(obj);
    } catch {
      dropped++;
      // A half-built binary packet would make every following packet fail too: forget it.
      const self = this as unknown as { reconstructor: Reconstructor };
      self.reconstructor?.finishedReconstruction();
      self.reconstructor = null;
    }
  }
}

export const tolerantParser = { Encoder, Decoder: TolerantDecoder, PacketType, protocol };
