// The one storage account: the engine's tables, the rotation queue, the Functions hosts' own storage
// (AzureWebJobsStorage) and the Flex Consumption deployment containers. Reached with Entra identities
// only: shared keys are off, so no connection string or SAS exists to leak.
param location string
param tags object
param name string
param privateNetworking bool
@description('The function app ids; each gets its own deployment container.')
param appIds array
@description('Tables the apps use (they also create them at start-up); made here so that they exist before the first request.')
param tableNames array
@description('The rotation queue and its poison queue, as the code names them.')
param queueNames array

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      // Without private networking the apps come from Flex Consumption's shared outbound addresses, so the
      // firewall cannot narrow it; identity (no shared key) is the control then.
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
      bypass: 'None'
    }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for id in appIds: {
  parent: blobs
  name: 'deployments-${id}'
  properties: { publicAccess: 'None' }
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for table in tableNames: {
  parent: tableService
  name: table
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in queueNames: {
  parent: queueService
  name: queue
}]

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output deploymentContainerUrls object = toObject(appIds, id => id, id => 'https://${name}.blob.${environment().suffixes.storage}/deployments-${id}')
