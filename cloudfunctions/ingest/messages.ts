/**
 * What the broker's message flow sends to `ingest` and gets back: declared with the function's
 * contract (core/api/contract/ingest.ts), re-exported here for the broker side. What a message
 * comes to before it is encoded as an Alink reply stays here.
 */
export type {
  DeviceReply,
  IngestMessage,
  IngestResult,
  PresenceMessage,
  RejectedMessage,
  TelemetryMessage,
} from '../../core/api/contract/ingest';

/** The outcome of one message, before it is encoded as an Alink reply. */
export interface IngestReply {
  code: number;
  /** Message id to echo in the reply ('' if the device sent none). */
  id: string;
  message: string;
}
