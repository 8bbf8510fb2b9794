{{/* Labels on every object and pod; the Service and the spread constraint select pods by them. */}}
{{- define "llmload.labels" -}}
{{ toJson (dict "app.kubernetes.io/name" "llmload" "app.kubernetes.io/instance" .Release.Name "app.kubernetes.io/component" "load-test") }}
{{- end }}
