// Codes of the console's SIEM forwarder (src/console/siem): why a batch was not delivered to
// a collector. The forwarder logs the code once when a sink starts failing (and when it
// recovers), and keeps it with its params as the sink's last error in the store
// (siem_sinks.last_error), where staff tools read it; so the text is here in core.
// Nothing in these messages is a secret.

import type { SiemFailureCode } from '../console/siem/delivery.js';
import type { Catalog, CodeCatalog } from '../i18n/types.js';

export const SIEM_ERROR_CODES = [
  /** No connection: refused, no route, the name does not resolve, connect timed out. */
  'SIEM_UNREACHABLE',
  /** The TLS handshake failed: untrusted certificate, wrong name, no common protocol. */
  'SIEM_TLS_FAILED',
  /** Connected, but the batch was not written and closed by the collector in time. */
  'SIEM_TIMEOUT',
  /** The connection was reset or failed mid-batch. */
  'SIEM_RESET',
  /** The collector closed the connection before the batch was written whole. */
  'SIEM_CLOSED_EARLY',
] as const satisfies readonly SiemFailureCode[];
export type SiemErrorCode = (typeof SIEM_ERROR_CODES)[number];

export const siemMessages = {
  en: {
    SIEM_UNREACHABLE:
      'SIEM sink {{sink}}: cannot connect to {{url}} ({{reason}}). Nothing is lost: the events wait in the console and are sent when the collector answers again.',
    SIEM_TLS_FAILED:
      'SIEM sink {{sink}}: the TLS connection to {{url}} failed ({{reason}}). Check the collector’s certificate, its name and the sink’s `ca`. The events wait in the console.',
    SIEM_TIMEOUT:
      'SIEM sink {{sink}}: the collector at {{url}} did not read and close a batch within {{seconds}} s (overloaded or stuck?). The batch is sent again later; a collector that read it after all sees it twice (deduplicate on the event id).',
    SIEM_RESET:
      'SIEM sink {{sink}}: the connection to {{url}} failed mid-batch ({{reason}}). The batch is sent again later.',
    SIEM_CLOSED_EARLY:
      'SIEM sink {{sink}}: the collector at {{url}} closed the connection before the batch was written whole. The batch is sent again later.',
  },
  'zh-CN': {
    SIEM_UNREACHABLE:
      'SIEM 接收端 {{sink}}：无法连接 {{url}}（{{reason}}）。不会丢失任何事件：事件留在控制台中，待采集器恢复后发送。',
    SIEM_TLS_FAILED:
      'SIEM 接收端 {{sink}}：与 {{url}} 的 TLS 连接失败（{{reason}}）。请检查采集器的证书、其名称以及该接收端的 `ca`。事件留在控制台中等待发送。',
    SIEM_TIMEOUT:
      'SIEM 接收端 {{sink}}：{{url}} 上的采集器未在 {{seconds}} 秒内读取并关闭一批消息（过载或卡住？）。该批消息稍后重发；若采集器事后仍读取了它，会收到两次（请按事件 id 去重）。',
    SIEM_RESET:
      'SIEM 接收端 {{sink}}：与 {{url}} 的连接在发送一批消息时中断（{{reason}}）。该批消息稍后重发。',
    SIEM_CLOSED_EARLY:
      'SIEM 接收端 {{sink}}：{{url}} 上的采集器在一批消息写完之前关闭了连接。该批消息稍后重发。',
  },
} satisfies Catalog & CodeCatalog<SiemErrorCode>;
