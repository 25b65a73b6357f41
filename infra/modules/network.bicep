// The private network: one integration subnet per function app (Flex Consumption delegates a subnet to
// Microsoft.App/environments), one subnet for private endpoints, and the private DNS zones that make the
// storage account and the vaults resolve to their private endpoints from inside the VNet.
param location string
param tags object
param name string
param addressPrefix string
@description('The function app ids; each gets its own integration subnet.')
param appIds array

// One /26 per app, then the endpoints' /26 after them; cidrSubnet counts subnets of that size from the start.
var endpointSubnetIndex = length(appIds)

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: concat(
      map(range(0, length(appIds)), i => {
        name: 'apps-${appIds[i]}'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 26, i)
          delegations: [
            {
              name: 'flex-consumption'
              properties: { serviceName: 'Microsoft.App/environments' }
            }
          ]
        }
      }),
      [
        {
          name: 'private-endpoints'
          properties: {
            addressPrefix: cidrSubnet(addressPrefix, 26, endpointSubnetIndex)
            privateEndpointNetworkPolicies: 'Disabled'
          }
        }
      ])
  }
}

// Public cloud zone names; storage's follow the cloud's suffix, Key Vault's is fixed per cloud.
var zoneNames = {
  table: 'privatelink.table.${environment().suffixes.storage}'
  queue: 'privatelink.queue.${environment().suffixes.storage}'
  blob: 'privatelink.blob.${environment().suffixes.storage}'
  vault: 'privatelink.vaultcore.azure.net'
}

resource zones 'Microsoft.Network/privateDnsZones@2020-06-01' = [for zone in items(zoneNames): {
  name: zone.value
  location: 'global'
  tags: tags
}]

resource links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [for (zone, i) in items(zoneNames): {
  parent: zones[i]
  name: name
  location: 'global'
  tags: tags
  properties: {
    virtualNetwork: { id: vnet.id }
    registrationEnabled: false
  }
}]

output vnetId string = vnet.id
output integrationSubnetIds object = toObject(appIds, id => id, id => '${vnet.id}/subnets/apps-${id}')
output privateEndpointSubnetId string = '${vnet.id}/subnets/private-endpoints'
output dnsZoneIds object = toObject(items(zoneNames), zone => zone.key, zone => resourceId('Microsoft.Network/privateDnsZones', zone.value))
