{{- define "trafficviz.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "trafficviz.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "trafficviz.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "trafficviz.secretName" -}}
{{- .Values.existingSecret | default (include "trafficviz.fullname" .) -}}
{{- end -}}

{{/* trafficviz.yml: the values' config, with the Service's DNS names added to http.allowedHosts. */}}
{{- define "trafficviz.config" -}}
{{- $config := deepCopy .Values.config -}}
{{- $http := get $config "http" | default dict -}}
{{- $name := include "trafficviz.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- $own := list $name (printf "%s.%s" $name $ns) (printf "%s.%s.svc" $name $ns) (printf "%s.%s.svc.cluster.local" $name $ns) -}}
{{- $_ := set $http "allowedHosts" (concat (get $http "allowedHosts" | default list) $own | uniq) -}}
{{- $_ := set $config "http" $http -}}
{{- toYaml $config -}}
{{- end -}}
