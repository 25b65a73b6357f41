// The vault that holds the seal key: the key-encryption key that wraps every data key sealing private key
// material and provider credentials in Table Storage. Nothing else lives here, so its access list says
// exactly who can open sealed data.
param location string
param tags object
param name string
param privateNetworking bool
param keyName string
@allowed([2048, 3072, 4096])
param keySize int = 3072

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Losing this key loses every sealed key version: purge protection makes a deletion recoverable for
    // the retention period, even for an administrator.
    enablePurgeProtection: true
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
      bypass: 'None'
    }
  }
}

resource sealKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: keyName
  properties: {
    kty: 'RSA'
    keySize: keySize
    // Only wrapping: the key cannot encrypt, decrypt or sign anything else, whoever holds a role on it.
    keyOps: ['wrapKey', 'unwrapKey']
    attributes: { enabled: true }
  }
}

output vaultId string = vault.id
output vaultName string = vault.name
output keyName string = sealKey.name
@description('The versioned key id the apps seal with (KEYMGMT_SEAL_KEY_ID); sealed blobs record it.')
output keyIdWithVersion string = sealKey.properties.keyUriWithVersion
