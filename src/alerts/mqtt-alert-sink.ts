import type { MqttBus } from '../broker/broker.js';
import { alertView } from './alert-view.js';
import type { Alert, AlertEvent, AlertSink } from './alerts.js';

/** Publishes each alert event as JSON on `polder/<org>/alerts` (QoS 1). */
export function mqttAlertSink(bus: () => MqttBus | undefined, slugOf: (orgId: string) => Promise<string>): AlertSink {
  return {
    async notify(event: AlertEvent, alerts: Alert[]) {
      const mqtt = bus();
      if (!mqtt) return;
      for (const alert of alerts) {
        const topic = `polder/${await slugOf(alert.orgId)}/alerts`;
        await mqtt.publish(topic, JSON.stringify({ event, alert: alertView(alert) }), { qos: 1 });
      }
    },
  };
}
