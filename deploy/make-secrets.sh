#!/bin/sh
# Writes the secrets deploy/compose.yml and deploy/compose.scale.yml read into deploy/secrets/
# (or the folder given), every password random. Refuses to run twice: the passwords are set in
# the services' volumes on their first start (remove the folder and the volumes to start over).
set -eu
dir=${1:-"$(dirname "$0")/secrets"}
if [ -e "$dir/polder.json" ]; then echo "$dir/polder.json exists: secrets already made" >&2; exit 1; fi
mkdir -p "$dir"
chmod 0700 "$dir"
rand() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
put() { # file content
  printf '%s' "$2" > "$dir/$1"
  # Compose bind-mounts file secrets as they are, and the containers run as other users (node 1000,
  # postgres 999, grafana 472): the files are readable, the folder (0700) keeps other host users out.
  chmod 0444 "$dir/$1"
  echo "wrote $dir/$1"
}
admin=$(rand)
pg=$(rand)
amqp=$(rand)
mqtt=$(rand)
put postgres-password "$pg"
put mqtt-password "$mqtt"
put rabbitmq.conf "default_user = polder
default_pass = $amqp
"
put grafana-admin-password "$(rand)"
# Replaced by a read-only Polder API key once Polder runs (docs/deploy.md); until then the fleet and data dashboards are empty.
put grafana-polder-token "none-yet"
put polder.json "{
  \"POLDER_ADMIN_TOKEN\": \"$admin\",
  \"POLDER_DATABASE_URL\": \"postgres://polder:$pg@postgres:5432/polder\",
  \"POLDER_AMQP_URL\": \"amqp://polder:$amqp@rabbitmq:5672\",
  \"POLDER_MQTT_URL\": \"mqtt://polder:$mqtt@mosquitto:1883\"
}
"
