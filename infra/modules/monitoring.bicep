// Logs and telemetry of the four apps: one Log Analytics workspace, one Application Insights component.
param location string
param tags object
param workspaceName string
param componentName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource component 'Microsoft.Insights/components@2020-02-02' = {
  name: componentName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Telemetry is accepted only from Entra identities (the apps' own, with Monitoring Metrics Publisher),
    // so the connection string in the app settings is an address, not a credential.
    DisableLocalAuth: true
  }
}

output componentId string = component.id
output componentName string = component.name
output connectionString string = component.properties.ConnectionString
