// keymgmt on Azure: four function apps (each its own Flex Consumption plan and identity), one storage
// account, a vault holding only the seal key, telemetry, optional private networking, and API Management
// as the one address for Vault clients. See infra/README.md for every parameter.
//
// Subscription scope: the custom roles must be assignable on target vaults in other resource groups, so
// they are defined at the subscription; and azd then creates the resource group itself.
targetScope = 'subscription'

@minLength(1)
@maxLength(20)
@description('The azd environment name; it names the resource group and tags every resource.')
param environmentName string

@minLength(1)
@description('The region of every resource; Flex Consumption must be offered there.')
param location string

@allowed(['java-worker', 'custom-handler'])
@description('java-worker: the Functions Java worker runs the jar (Java 17). custom-handler: the native executable native-build assembles.')
param packaging string = 'java-worker'

@description('Storage and the seal vault reachable only through private endpoints from the apps\' VNet.')
param privateNetworking bool = true

@description('Required to deploy without private networking: storage and the seal vault then have public endpoints (identity-only, no shared keys).')
param allowPublicEndpoints bool = false

@description('The VNet\'s address space when privateNetworking is on; it is cut into /26 subnets.')
param vnetAddressPrefix string = '10.80.0.0/22'

type targetVault = {
  @description('Resource id of an existing Key Vault the apps distribute keys to; in this subscription, any resource group.')
  id: string
  @description('How the vault grants access: rbac (a custom role per app) or accessPolicies (an access policy per app).')
  accessModel: 'rbac' | 'accessPolicies'
}

@description('The Key Vaults keys are distributed to; each app gets exactly its key permissions there.')
param targetVaults targetVault[] = []

@description('Also private endpoints for the target vaults (needs privateNetworking; the vault owner approves the connection if the vault is not ours).')
param privateEndpointsForTargetVaults bool = false

@description('The tenant whose Entra ID tokens the API accepts.')
param apiTenantId string = tenant().tenantId

@description('The accepted token audiences: the app ID URI (api://...) and the client id of the API\'s app registration.')
param apiAudiences array

@description('Where Vault clients find the engine: /v1/<apiMountPath>/.')
param apiMountPath string = 'keymgmt'

@description('When the rotation timer fires (NCRONTAB, six fields, seconds first).')
param rotationSchedule string = '0 */5 * * * *'

@description('API Management (Consumption) in front of the apps, routing each method and path to its app.')
param gateway bool = true

@description('The gateway also checks the Entra ID token before the app does.')
param gatewayValidatesTokens bool = true

@description('The API Management publisher e-mail (Azure requires one; it receives service notices).')
param gatewayPublisherEmail string = 'keymgmt@example.com'

@description('Flex Consumption: the most instances one app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Flex Consumption instance memory; 2048 suits the Java worker.')
param instanceMemoryMB int = 2048

// Key Vault data actions. Access-policy key permissions map onto them as Microsoft's access-policy to
// RBAC mapping does: get and list are both keys/read; infra/README.md has the table.
var keysRead = 'Microsoft.KeyVault/vaults/keys/read'
var keysCreate = 'Microsoft.KeyVault/vaults/keys/create/action'
var keysImport = 'Microsoft.KeyVault/vaults/keys/import/action'
var keysUpdate = 'Microsoft.KeyVault/vaults/keys/update/action'
var keysDelete = 'Microsoft.KeyVault/vaults/keys/delete'
var keysWrap = 'Microsoft.KeyVault/vaults/keys/wrap/action'
var keysUnwrap = 'Microsoft.KeyVault/vaults/keys/unwrap/action'

// The apps, as io.keymgmt.http.routes.FunctionApp declares them (a test holds this list to it):
// keyPermissions are FunctionApp.keyVaultKeyPermissions(), keyVaultDataActions their mapping. Sealing:
// provider configuration seals credentials; key distribution and rotation seal new versions and unseal
// versions and credentials; deletion unseals a provider's credentials to reach its vault. The SDK reads
// the seal key (keys/read) to wrap with its public part.
var functionApps = [
  {
    id: 'provider-configuration'
    keyPermissions: []
    keyVaultDataActions: []
    sealDataActions: [keysRead, keysWrap]
    usesRotationQueue: false
    runsRotationTimer: false
    recordsOperations: false
  }
  {
    id: 'key-distribution'
    keyPermissions: ['create', 'get', 'import', 'update', 'list']
    keyVaultDataActions: [keysCreate, keysRead, keysImport, keysUpdate]
    sealDataActions: [keysRead, keysWrap, keysUnwrap]
    usesRotationQueue: true
    runsRotationTimer: false
    recordsOperations: true
  }
  {
    id: 'deletion'
    keyPermissions: ['delete']
    keyVaultDataActions: [keysDelete]
    sealDataActions: [keysRead, keysUnwrap]
    usesRotationQueue: false
    runsRotationTimer: false
    recordsOperations: true
  }
  {
    id: 'rotation'
    keyPermissions: ['create', 'get', 'import', 'update', 'list']
    keyVaultDataActions: [keysCreate, keysRead, keysImport, keysUpdate]
    sealDataActions: [keysRead, keysWrap, keysUnwrap]
    usesRotationQueue: true
    runsRotationTimer: true
    recordsOperations: false
  }
]
var appIds = map(functionApps, app => app.id)

var token = uniqueString(subscription().id, environmentName, location)
var tags = { 'azd-env-name': environmentName }
var gatewayName = 'apim-km-${token}'
// Known before the gateway exists, so the apps can name it in Location headers without a cycle.
var gatewayUrl = 'https://${gatewayName}.azure-api.net'

// Names as the code has them: RotationQueue.NAME and POISON, TableStorage's tables under the default prefix.
var queueNames = ['keymgmt-rotation', 'keymgmt-rotation-poison']
var tableNames = ['keymgmtproviders', 'keymgmtkeys', 'keymgmtoperations']

module refusals 'modules/refusals.bicep' = {
  name: 'keymgmt-refusals-${environmentName}'
  params: {
    checks: [
      {
        refused: !privateNetworking && !allowPublicEndpoints
        reason: 'privateNetworking=false gives the storage account and the seal key vault public endpoints; set allowPublicEndpoints=true to accept that, or keep privateNetworking=true.'
      }
      {
        refused: empty(apiAudiences)
        reason: 'apiAudiences is empty: the API would accept no token. Give the app ID URI and client id of the API app registration (infra/README.md, "The API app registration").'
      }
      {
        refused: privateEndpointsForTargetVaults && !privateNetworking
        reason: 'privateEndpointsForTargetVaults=true needs privateNetworking=true.'
      }
      {
        refused: !empty(filter(targetVaults, v => !startsWith(toLower(v.id), '/subscriptions/') || !contains(toLower(v.id), '/providers/microsoft.keyvault/vaults/')))
        reason: 'a targetVaults id is not a Key Vault resource id (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>).'
      }
      {
        refused: !empty(filter(targetVaults, v => v.accessModel == 'rbac' && toLower(split(v.id, '/')[2]) != toLower(subscription().subscriptionId)))
        reason: 'an rbac target vault is in another subscription, where this deployment\'s custom roles cannot be assigned; let its owner grant access (infra/README.md, "A vault another team owns") and leave it out of targetVaults.'
      }
    ]
  }
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
  dependsOn: [refusals]
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    workspaceName: 'log-km-${token}'
    componentName: 'appi-km-${token}'
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'vnet-km-${token}'
    addressPrefix: vnetAddressPrefix
    appIds: appIds
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'stkm${token}'
    privateNetworking: privateNetworking
    appIds: appIds
    tableNames: tableNames
    queueNames: queueNames
  }
}

module sealVault 'modules/sealVault.bicep' = {
  name: 'seal-vault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'kv-km-${token}'
    privateNetworking: privateNetworking
    keyName: 'keymgmt-seal'
  }
}

var storageEndpoints = [
  { groupId: 'table', zone: 'table' }
  { groupId: 'queue', zone: 'queue' }
  { groupId: 'blob', zone: 'blob' }
]

module storageEndpointsModule 'modules/privateEndpoint.bicep' = [for e in (privateNetworking ? storageEndpoints : []): {
  name: 'pe-storage-${e.groupId}'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'pe-stkm-${e.groupId}-${token}'
    subnetId: network!.outputs.privateEndpointSubnetId
    targetId: storage.outputs.id
    groupId: e.groupId
    privateDnsZoneId: network!.outputs.dnsZoneIds[e.zone]
  }
}]

module sealVaultEndpoint 'modules/privateEndpoint.bicep' = if (privateNetworking) {
  name: 'pe-seal-vault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'pe-kv-km-${token}'
    subnetId: network!.outputs.privateEndpointSubnetId
    targetId: sealVault.outputs.vaultId
    groupId: 'vault'
    privateDnsZoneId: network!.outputs.dnsZoneIds.vault
  }
}

module targetVaultEndpoints 'modules/privateEndpoint.bicep' = [for (v, i) in (privateNetworking && privateEndpointsForTargetVaults ? targetVaults : []): {
  name: 'pe-target-vault-${i}'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'pe-${last(split(v.id, '/'))}-${token}'
    subnetId: network!.outputs.privateEndpointSubnetId
    targetId: v.id
    groupId: 'vault'
    privateDnsZoneId: network!.outputs.dnsZoneIds.vault
  }
}]

module roles 'modules/roleDefinitions.bicep' = {
  name: 'keymgmt-roles-${environmentName}'
  params: {
    environmentName: environmentName
    apps: functionApps
  }
  dependsOn: [refusals]
}

// What an app reads beyond the common settings (functionApp.bicep), by the flag in functionApps that
// says the app needs it.
var settingsByFlag = {
  usesRotationQueue: {
    KEYMGMT_STORAGE_QUEUE_ENDPOINT: storage.outputs.queueEndpoint
  }
  runsRotationTimer: {
    KEYMGMT_ROTATION_SCHEDULE: rotationSchedule
  }
  recordsOperations: {
    KEYMGMT_ACTIONS_BASE_URL: gatewayUrl
  }
}

module apps 'modules/functionApp.bicep' = [for app in functionApps: {
  name: 'app-${app.id}'
  scope: rg
  params: {
    location: location
    tags: tags
    appId: app.id
    name: 'func-km-${app.id}-${token}'
    planName: 'plan-km-${app.id}-${token}'
    packaging: packaging
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrls[app.id]
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    integrationSubnetId: privateNetworking ? network!.outputs.integrationSubnetIds[app.id] : ''
    sealKeyId: sealVault.outputs.keyIdWithVersion
    apiTenantId: apiTenantId
    apiAudiences: apiAudiences
    apiMountPath: apiMountPath
    appSpecificSettings: union(
      app.usesRotationQueue ? settingsByFlag.usesRotationQueue : {},
      app.runsRotationTimer ? settingsByFlag.runsRotationTimer : {},
      (app.recordsOperations && gateway) ? settingsByFlag.recordsOperations : {})
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // With private networking storage and the seal vault answer only through their endpoints: an app that
  // started before them would fail its first start-up on them.
  dependsOn: [storageEndpointsModule, sealVaultEndpoint]
}]

module access 'modules/appAccess.bicep' = [for (app, i) in functionApps: {
  name: 'access-${app.id}'
  scope: rg
  params: {
    principalId: apps[i].outputs.principalId
    storageAccountName: storage.outputs.name
    usesRotationQueue: app.usesRotationQueue
    applicationInsightsName: monitoring.outputs.componentName
    sealVaultName: sealVault.outputs.vaultName
    sealKeyName: sealVault.outputs.keyName
    sealRoleDefinitionId: roles.outputs.sealRoleIds[?app.id] ?? ''
  }
}]

module targetVaultAccess 'modules/targetVaultAccess.bicep' = [for (v, i) in targetVaults: {
  name: 'target-vault-access-${i}'
  // The vault's own resource group: role assignments and access policies live with the vault.
  scope: resourceGroup(split(v.id, '/')[2], split(v.id, '/')[4])
  params: {
    vaultName: last(split(v.id, '/'))
    accessModel: v.accessModel
    grants: [for (app, j) in functionApps: {
      appId: app.id
      principalId: apps[j].outputs.principalId
      roleDefinitionId: roles.outputs.targetVaultRoleIds[?app.id] ?? ''
      keyPermissions: app.keyPermissions
    }]
  }
}]

module gatewayModule 'modules/gateway.bicep' = if (gateway) {
  name: 'gateway'
  scope: rg
  params: {
    location: location
    tags: tags
    name: gatewayName
    publisherEmail: gatewayPublisherEmail
    publisherName: 'keymgmt ${environmentName}'
    apiMountPath: apiMountPath
    backends: [for (app, i) in functionApps: {
      id: app.id
      hostName: apps[i].outputs.defaultHostName
    }]
    validateTokens: gatewayValidatesTokens
    apiTenantId: apiTenantId
    apiAudiences: apiAudiences
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
@description('VAULT_ADDR for Vault clients: the gateway, or without it the key-distribution app (which serves most routes).')
output VAULT_ADDR string = gateway ? gatewayModule!.outputs.gatewayUrl : 'https://${apps[1].outputs.defaultHostName}'
@description('Each app: its id, host name (for calling it directly) and managed identity (object id), which a vault owner grants our custom role or access policy to.')
output APPS array = [for (app, i) in functionApps: {
  id: app.id
  hostName: apps[i].outputs.defaultHostName
  principalId: apps[i].outputs.principalId
}]
@description('Each app\'s custom role for target vaults (absent for an app without key permissions).')
output TARGET_VAULT_ROLE_IDS object = roles.outputs.targetVaultRoleIds
@description('Each app\'s access-policy key permissions, for vaults that use access policies.')
output TARGET_VAULT_KEY_PERMISSIONS object = toObject(functionApps, app => app.id, app => app.keyPermissions)
output SEAL_KEY_ID string = sealVault.outputs.keyIdWithVersion
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
