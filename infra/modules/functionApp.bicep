// One function app on its own Flex Consumption plan (FC1 holds one app per plan), with its own
// system-assigned identity: the identity is what least privilege is granted to.
param location string
param tags object
@description('The app id as FunctionApp names it (provider-configuration, key-distribution, deletion, rotation); also the azd service name.')
param appId string
param name string
param planName string
@allowed(['java-worker', 'custom-handler'])
param packaging string
param storageAccountName string
param deploymentContainerUrl string
param applicationInsightsConnectionString string
@description('The integration subnet, or empty without private networking.')
param integrationSubnetId string
param sealKeyId string
param apiTenantId string
param apiAudiences array
param apiMountPath string
@description('Settings only this app reads (the rotation queue, the schedule, the address in Location headers).')
param appSpecificSettings object
param maximumInstanceCount int
@allowed([512, 2048, 4096])
param instanceMemoryMB int

// The Java worker runs the jar on Java 17; a custom handler is the native executable the host starts.
// 'custom' / '1.0' is the Flex stack name for custom handlers in Az.Functions' stack data (not confirmed
// with `az functionapp list-flexconsumption-runtimes`; see infra/README.md).
var runtimes = {
  'java-worker': { name: 'java', version: '17' }
  'custom-handler': { name: 'custom', version: '1.0' }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': appId })
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: empty(integrationSubnetId) ? null : integrationSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: runtimes[packaging]
    }
  }
}

// Every setting here is an address or a choice, never a secret: storage, telemetry and the seal key are
// reached with the app's identity. Flex Consumption takes the runtime from functionAppConfig and refuses
// FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION as app settings.
var commonSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  KEYMGMT_API_AUTH: 'entra-id'
  KEYMGMT_API_ENTRA_TENANT_ID: apiTenantId
  KEYMGMT_API_ENTRA_AUDIENCE: join(apiAudiences, ',')
  KEYMGMT_API_MOUNT_PATH: apiMountPath
  KEYMGMT_STORAGE_ENDPOINT: 'https://${storageAccountName}.table.${environment().suffixes.storage}'
  KEYMGMT_SEAL_MODE: 'key-vault'
  KEYMGMT_SEAL_KEY_ID: sealKeyId
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(commonSettings, appSpecificSettings)
}

output name string = site.name
output principalId string = site.identity.principalId
output defaultHostName string = site.properties.defaultHostName
