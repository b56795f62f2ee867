using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;
using CloudPartner.Emulator.State;

namespace CloudPartner.Emulator.Seed
{
    /// <summary>The seed: publishers contoso and fabrikam with the reference's sample offers (see README.md).</summary>
    internal static class SampleData
    {
        public static void Seed(EmulatorState state, DateTimeOffset now)
        {
            var contoso = state.Catalog.AddPublisher("contoso", "Contoso", 1234567, new[] { "microsoft-azure-virtualmachines", "microsoft-azure-corevm", "microsoft-azure-applications" });
            var fabrikam = state.Catalog.AddPublisher("fabrikam", "Fabrikam", 7654321, new[] { "microsoft-azure-virtualmachines" });

            // contoso-vm: the §4.4 GET sample (valid JSON), non-migrated, version 5 in production, and a failed publish
            // (certification blocked, as in the §4.11 sample) from a day ago.
            var vm = state.Catalog.AddOffer(contoso, Parse(ContosoVm), migrated: false, etagOnGet: true, now);
            vm.MakeLive(vm.Draft, vm.Version);
            vm.SeedLiveSubmissionId = state.Catalog.NextSubmissionId();
            vm.BaseStatus = "failed";
            var failedDurations = new TimeSpan[OperationRecord.StepCount];
            for (var i = 0; i < failedDurations.Length; i++)
            {
                failedDurations[i] = EmulatorSteps.DefaultDurations.TryGetValue(EmulatorSteps.All[i], out var d) ? d : TimeSpan.Zero;
            }

            vm.Operations.Add(new OperationRecord(vm, false, vm.Version + 1, vm.Version, now.AddDays(-1), failedDurations, "succeeded")
            {
                Emails = "jdoe@contoso.com",
                FailCertification = true,
                PreviewApplied = true,
                Resources = vm.DraftResources,
                SubmissionId = state.Catalog.NextSubmissionId(),
            });
            vm.Refresh(now, state.Settings.SignoffShape);

            // test-vm: migrated (post-migration fields, changedTime without Z, int64-ish version, legacy keys in definition.offer).
            state.Catalog.AddOffer(contoso, Parse(TestVm), migrated: true, etagOnGet: false, now);

            // contoso-large: a large, deep, migrated offer.
            state.Catalog.AddOffer(contoso, Parse(LargeOffer()), migrated: true, etagOnGet: false, now);

            // Simple never-published offers of other types, so $filter has something to filter.
            state.Catalog.AddOffer(contoso, Parse(ContosoApp), migrated: false, etagOnGet: true, now);
            state.Catalog.AddOffer(contoso, Parse(ContosoCoreVm), migrated: false, etagOnGet: true, now);

            state.Catalog.AddOffer(fabrikam, Parse(FabrikamVm), migrated: false, etagOnGet: true, now);
        }

        private static JsonObject Parse(string json) => (JsonObject)Json.Parse(Encoding.UTF8.GetBytes(json))!;

        /// <summary>contoso-large: 30 plans × 12 vmImages, nested pricing, dates as strings, int64 values beyond 2^53,
        /// and numbers written in several ways (1.0, 2.50, 1E+3, -0.0) that must round-trip as written.</summary>
        internal static string LargeOffer()
        {
            var sb = new StringBuilder(512 * 1024);
            sb.Append("""
                {
                  "offerTypeId": "microsoft-azure-virtualmachines",
                  "publisherId": "contoso",
                  "status": "neverPublished",
                  "lockStatus": "none",
                  "pcMigrationStatus": "migrated",
                  "pcRedirectUri": "",
                  "isvUpgradeRequest": false,
                  "offerTypeChanges": [],
                  "pricingNotRecalculatedRegions": [],
                  "offerTypeVersionsOverride": {},
                  "version": 1252868275,
                  "id": "contoso-large",
                  "definition": {
                    "displayText": "Contoso Large Offer",
                    "offer": {
                      "microsoft-azure-marketplace.title": "Contoso Large \u00e9dition & <friends>",
                      "microsoft-azure-marketplace.summary": "A large offer with many plans",
                      "microsoft-azure-marketplace.longSummary": "Used to check that large, deep documents round-trip losslessly.",
                      "microsoft-azure-marketplace.description": "<p>Line one</p><p>Line two &amp; three</p>",
                      "microsoft-azure-marketplace.offerMarketingUrlIdentifier": "contosolarge",
                      "microsoft-azure-marketplace.allowedSubscriptions": [],
                      "microsoft-azure-marketplace.categories": [],
                      "microsoft-azure-marketplace.categoryMap": [{"categoryL1": "compute", "categoryL2-compute": ["operating-systems"]}],
                      "microsoft-azure-marketplace.customAmendments": null,
                      "microsoft-azure-marketplace.storageAccountBytes": 9007199254740993,
                      "microsoft-azure-marketplace.maxInt64": 9223372036854775807,
                      "microsoft-azure-marketplace.minInt64": -9223372036854775808,
                      "microsoft-azure-marketplace.scientific": 1E+3,
                      "microsoft-azure-marketplace.negativeZero": -0.0,
                      "microsoft-azure-marketplace.smallLogo": "https://publishingstoredm.blob.core.windows.net/prodcontent/large/small.png?sv=2014-02-14&sr=b&sig=a%2Bb%3D&se=2020-03-28T22%3A27%3A13Z&sp=r",
                      "microsoft-azure-marketplace.privacyURL": "https://contoso.example/privacy"
                    },
                    "plans": [
                """);
            for (var p = 0; p < 30; p++)
            {
                if (p > 0)
                {
                    sb.Append(',');
                }

                var plan = "plan-" + p.ToString("D2", CultureInfo.InvariantCulture);
                sb.Append("{\"planId\":\"").Append(plan).Append("\",");
                sb.Append("\"microsoft-azure-virtualmachines.legacyPlanId\":\"").Append(plan).Append("-legacy\",");
                sb.Append("\"microsoft-azure-virtualmachines.skuTitle\":\"Contoso Large ").Append(plan).Append("\",");
                sb.Append("\"microsoft-azure-virtualmachines.skuSummary\":\"Plan ").Append(p).Append(" of 30\",");
                sb.Append("\"microsoft-azure-virtualmachines.hideSKUForSolutionTemplate\":false,");
                sb.Append("\"microsoft-azure-virtualmachines.cloudAvailability\":[\"PublicAzure\"],");
                sb.Append("\"microsoft-azure-virtualmachines.osDiskSizeBytes\":").Append(9007199254740993L + p).Append(',');
                sb.Append("\"virtualMachinePricing\":{\"isByol\":false,\"freeTrialDurationInMonths\":0,\"coreMultiplier\":{\"currency\":\"USD\",\"single\":1.0,\"individually\":{");
                var cores = new[] { "sharedcore", "1core", "2core", "4core", "8core", "16core", "32core", "64core" };
                for (var c = 0; c < cores.Length; c++)
                {
                    sb.Append(c > 0 ? "," : string.Empty).Append('"').Append(cores[c]).Append("\":").Append(c == 0 ? "2.50" : (c * 1.25).ToString("0.00", CultureInfo.InvariantCulture));
                }

                sb.Append("}},\"regionPrices\":{\"US\":{\"currency\":\"USD\",\"price\":0.10},\"GB\":{\"currency\":\"GBP\",\"price\":0.080},\"JP\":{\"currency\":\"JPY\",\"price\":12}}},");
                sb.Append("\"virtualMachinePricingV2\":{\"isByol\":false,\"coreMultiplier\":{\"currency\":\"USD\",\"single\":1.0}},");
                sb.Append("\"microsoft-azure-virtualmachines.vmImages\":{");
                for (var v = 0; v < 12; v++)
                {
                    var version = $"1.{p}.{v}";
                    sb.Append(v > 0 ? "," : string.Empty).Append('"').Append(version).Append("\":{");
                    sb.Append("\"osVhdUrl\":\"https://contosostorage.blob.core.windows.net/vhds/").Append(plan).Append('-').Append(version).Append(".vhd?sv=2019-02-02&sr=b&sig=abc%2Bdef%3D&se=2030-01-01T00%3A00%3A00Z&sp=rl\",");
                    sb.Append("\"label\":\"Image ").Append(version).Append("\",");
                    sb.Append("\"publishedDate\":\"").Append(v % 3 == 0 ? string.Empty : $"0{1 + (v % 9)}/1{v % 10}/2024").Append("\",");
                    sb.Append("\"showInGui\":").Append(v % 4 == 0 ? "false" : "true").Append(',');
                    sb.Append("\"sizeBytes\":").Append(9007199254740993L + (p * 100) + v).Append(',');
                    sb.Append("\"lunVhdDetails\":[{\"lun\":0,\"lunVhdUrl\":\"https://contosostorage.blob.core.windows.net/vhds/data0.vhd\",\"sizeGb\":1.0E2}]}");
                }

                sb.Append("},\"regions\":[\"US\",\"GB\",\"JP\",\"DE\"],");
                sb.Append("\"microsoft-azure-virtualmachines.generation\":\"").Append(p % 2 == 0 ? "1" : "2").Append("\",");
                sb.Append("\"patchOptions\":{\"supportsHotpatch\":false,\"schedule\":{\"start\":\"2024-01-01T00:00:00\",\"nested\":{\"deeper\":{\"deepest\":[1,2.0,3e0,{\"x\":null}]}}}}}");
            }

            sb.Append("""
                    ]
                  },
                  "changedTime": "2022-06-02T12:25:56.651"
                }
                """);
            return sb.ToString();
        }

        private const string ContosoVm = """
            {
                "offerTypeId": "microsoft-azure-virtualmachines",
                "publisherId": "contoso",
                "status": "failed",
                "id": "contoso-vm",
                "version": 5,
                "definition": {
                    "displayText": "Contoso Virtual Machine Offer",
                    "offer": {
                        "microsoft-azure-marketplace-testdrive.enabled": false,
                        "microsoft-azure-marketplace-testdrive.videos": [],
                        "microsoft-azure-marketplace.title": "Contoso App",
                        "microsoft-azure-marketplace.summary": "Contoso App makes dev ops a breeze",
                        "microsoft-azure-marketplace.longSummary": "Contoso App makes dev ops a breeze",
                        "microsoft-azure-marketplace.description": "Contoso App makes dev ops a breeze",
                        "microsoft-azure-marketplace.offerMarketingUrlIdentifier": "contosoapp",
                        "microsoft-azure-marketplace.allowedSubscriptions": [
                            "59160c40-2e25-4dcf-a2fd-6514cb08bf08"
                        ],
                        "microsoft-azure-marketplace.usefulLinks": [
                            {
                                "linkTitle": "Contoso App for Azure",
                                "linkUrl": "https://azuremarketplace.microsoft.com"
                            }
                        ],
                        "microsoft-azure-marketplace.categoryMap": [
                            {
                                "categoryL1": "analytics",
                                "categoryL2-analytics": [
                                    "visualization-and-reporting"
                                ]
                            },
                            {
                                "categoryL1": "ai-plus-machine-learning",
                                "categoryL2-ai-plus-machine-learning": [
                                    "bot-services",
                                    "cognitive-services",
                                    "other"
                                ]
                            }
                        ],
                        "microsoft-azure-marketplace.smallLogo": "https://publishingapistore.blob.core.windows.net/testcontent/D6191_publishers_contoso/contosovirtualmachine/6218c455-9cbc-450c-9920-f2e7a69ee132.png?sv=2014-02-14&sr=b&sig=6O8MM9dgiJ48VK0MwddkyVbprRAnBszyhVkVHGShhkI%3D&se=2019-03-28T19%3A46%3A50Z&sp=r",
                        "microsoft-azure-marketplace.mediumLogo": "https://publishingapistore.blob.core.windows.net/testcontent/D6191_publishers_contoso/contosovirtualmachine/557e714b-2f31-4e12-b0cc-e48dd840edf4.png?sv=2014-02-14&sr=b&sig=NwL67NTQf9Gc9VScmZehtbHXpYmxhwZc2foy3o4xavs%3D&se=2019-03-28T19%3A46%3A49Z&sp=r",
                        "microsoft-azure-marketplace.largeLogo": "https://publishingapistore.blob.core.windows.net/testcontent/D6191_publishers_contoso/contosovirtualmachine/142485da-784c-44cb-9523-d4f396446258.png?sv=2014-02-14&sr=b&sig=xaMxhwx%2FlKYfz33mJGIg8UBdVpsOwVvqhjTJ883o0iY%3D&se=2019-03-28T19%3A46%3A49Z&sp=r",
                        "microsoft-azure-marketplace.wideLogo": "https://publishingapistore.blob.core.windows.net/testcontent/D6191_publishers_contoso/contosovirtualmachine/48af9013-1df7-4c94-8da8-4626e5039ce0.png?sv=2014-02-14&sr=b&sig=%2BnN7f2tprkrqb45ID6JlT01zXcy1PMTkWXtLKD6nfoE%3D&se=2019-03-28T19%3A46%3A49Z&sp=r",
                        "microsoft-azure-marketplace.screenshots": [],
                        "microsoft-azure-marketplace.videos": [],
                        "microsoft-azure-marketplace.leadDestination": "None",
                        "microsoft-azure-marketplace.tableLeadConfiguration": {},
                        "microsoft-azure-marketplace.blobLeadConfiguration": {},
                        "microsoft-azure-marketplace.salesForceLeadConfiguration": {},
                        "microsoft-azure-marketplace.crmLeadConfiguration": {},
                        "microsoft-azure-marketplace.httpsEndpointLeadConfiguration": {},
                        "microsoft-azure-marketplace.marketoLeadConfiguration": {},
                        "microsoft-azure-marketplace.privacyURL": "https://azuremarketplace.microsoft.com",
                        "microsoft-azure-marketplace.termsOfUse": "Terms of use",
                        "microsoft-azure-marketplace.engineeringContactName": "Jon Doe",
                        "microsoft-azure-marketplace.engineeringContactEmail": "jondoe@outlook.com",
                        "microsoft-azure-marketplace.engineeringContactPhone": "555-555-5555",
                        "microsoft-azure-marketplace.supportContactName": "Jon Doe",
                        "microsoft-azure-marketplace.supportContactEmail": "jondoe@outlook.com",
                        "microsoft-azure-marketplace.supportContactPhone": "555-555-5555",
                        "microsoft-azure-marketplace.publicAzureSupportUrl": "",
                        "microsoft-azure-marketplace.fairfaxSupportUrl": ""
                    },
                    "plans": [
                        {
                            "planId": "contososkuidentifier",
                            "microsoft-azure-virtualmachines.skuTitle": "Contoso App",
                            "microsoft-azure-virtualmachines.skuSummary": "Contoso App makes dev ops a breeze.",
                            "microsoft-azure-virtualmachines.skuDescription": "This is a description for the Contoso App that makes dev ops a breeze.",
                            "microsoft-azure-virtualmachines.hideSKUForSolutionTemplate": false,
                            "microsoft-azure-virtualmachines.cloudAvailability": [
                                "PublicAzure"
                            ],
                            "microsoft-azure-virtualmachines.certificationsFairfax": [],
                            "virtualMachinePricing": {
                                "isByol": true,
                                "freeTrialDurationInMonths": 0
                            },
                            "microsoft-azure-virtualmachines.operatingSystemFamily": "Windows",
                            "microsoft-azure-virtualmachines.windowsOSType": "Other",
                            "microsoft-azure-virtualmachines.operationSystem": "Contoso App",
                            "microsoft-azure-virtualmachines.recommendedVMSizes": [
                                "a0-basic",
                                "a0-standard",
                                "a1-basic",
                                "a1-standard",
                                "a2-basic",
                                "a2-standard"
                            ],
                            "microsoft-azure-virtualmachines.openPorts": [],
                            "microsoft-azure-virtualmachines.vmImages": {
                                "1.0.1": {
                                    "osVhdUrl": "http://contosoteststorage.blob.core.windows.net/test/contosoVM.vhd?sv=2014-02-14&sig=WlDo6Q4xwYH%2B5QEJbItPUVdgHhBcrVxPBmntZ2vU96w%3D&st=2016-06-25T18%3A30%3A00Z&se=2017-06-25T18%3A30%3A00Z&sp=rl",
                                    "lunVhdDetails": []
                                }
                            },
                            "regions": [
                                "DZ",
                                "AR"
                            ]
                        }
                    ]
                },
                "changedTime": "2017-06-07T06:15:39.7349221Z"
            }
            """;

        private const string TestVm = """
            {
                "offerTypeId": "microsoft-azure-virtualmachines",
                "publisherId": "contoso",
                "status": "neverPublished",
                "lockStatus": "none",
                "pcMigrationStatus": "migrated",
                "pcRedirectUri": "",
                "isvUpgradeRequest": false,
                "offerTypeChanges": [],
                "pricingNotRecalculatedRegions": [],
                "offerTypeVersionsOverride": {},
                "version": 1252868275,
                "id": "test-vm",
                "definition": {
                    "displayText": "Contoso Virtual Machine Offer",
                    "offer": {
                        "microsoft-azure-marketplace-testdrive.enabled": false,
                        "microsoft-azure-marketplace-testdrive.description": "",
                        "microsoft-azure-marketplace-testdrive.accessInformation": "",
                        "microsoft-azure-marketplace-testdrive.userManual": "",
                        "microsoft-azure-marketplace-testdrive.videos": [],
                        "microsoft-azure-marketplace.title": "Contoso Test VM",
                        "microsoft-azure-marketplace.summary": "Contoso test VM, migrated to Partner Center",
                        "microsoft-azure-marketplace.longSummary": "Contoso test VM, migrated to Partner Center",
                        "microsoft-azure-marketplace.description": "Contoso test VM, migrated to Partner Center",
                        "microsoft-azure-marketplace.offerMarketingUrlIdentifier": "contosotestvm",
                        "microsoft-azure-marketplace.allowedSubscriptions": [],
                        "microsoft-azure-marketplace.usefulLinks": [],
                        "microsoft-azure-marketplace.categories": [],
                        "microsoft-azure-marketplace.categoryMap": [
                            {
                                "categoryL1": "compute",
                                "categoryL2-compute": [
                                    "operating-systems"
                                ]
                            }
                        ],
                        "microsoft-azure-marketplace.leadNotificationEmails": "",
                        "microsoft-azure-marketplace.universalAmendmentTerms": "",
                        "microsoft-azure-marketplace.customAmendments": null,
                        "microsoft-azure-marketplace.useEnterpriseContract": false,
                        "microsoft-azure-marketplace.privacyURL": "https://contoso.example/privacy",
                        "microsoft-azure-marketplace.termsOfUse": "Terms of use",
                        "microsoft-azure-virtualmachines.managerContactName": "Jon Doe",
                        "microsoft-azure-virtualmachines.managerContactEmail": "jondoe@outlook.com",
                        "microsoft-azure-virtualmachines.managerContactPhone": "555-555-5555",
                        "microsoft-azure-virtualmachines.gtmMaterials": "",
                        "microsoft-azure-corevm.legacyOfferId": "test-vm-cpp",
                        "microsoft-azure-corevm.legacyPublisherId": "contoso-cpp",
                        "microsoft-azure-corevm.leadNotificationEmails": ""
                    },
                    "plans": [
                        {
                            "planId": "test-vm-plan",
                            "microsoft-azure-virtualmachines.legacyPlanId": "test-vm-plan",
                            "microsoft-azure-virtualmachines.skuTitle": "Test VM plan",
                            "microsoft-azure-virtualmachines.skuSummary": "A plan",
                            "microsoft-azure-virtualmachines.skuDescription": "A plan of the migrated test VM offer.",
                            "microsoft-azure-virtualmachines.hideSKUForSolutionTemplate": false,
                            "microsoft-azure-virtualmachines.cloudAvailability": [
                                "PublicAzure"
                            ],
                            "virtualMachinePricing": {
                                "isByol": false,
                                "freeTrialDurationInMonths": 0,
                                "coreMultiplier": {
                                    "currency": "USD",
                                    "single": 0.05
                                }
                            },
                            "virtualMachinePricingV2": {
                                "isByol": false,
                                "freeTrialDurationInMonths": 0,
                                "coreMultiplier": {
                                    "currency": "USD",
                                    "single": 0.05
                                }
                            },
                            "microsoft-azure-virtualmachines.osType": "Linux",
                            "microsoft-azure-virtualmachines.operatingSystemFamily": "Linux",
                            "microsoft-azure-virtualmachines.supportsAcceleratedNetworking": false,
                            "microsoft-azure-virtualmachines.supportsCloudInit": true,
                            "microsoft-azure-virtualmachines.supportsBackup": false,
                            "microsoft-azure-virtualmachines.supportsExtensions": true,
                            "microsoft-azure-virtualmachines.supportsHibernation": false,
                            "microsoft-azure-virtualmachines.supportsNVMe": false,
                            "microsoft-azure-virtualmachines.isNetworkVirtualAppliance": false,
                            "microsoft-azure-virtualmachines.isLockedDown": false,
                            "microsoft-azure-virtualmachines.isCustomArmTemplateRequired": false,
                            "microsoft-azure-virtualmachines.generation": "1",
                            "microsoft-azure-virtualmachines.allowOnlyManagedDiskDeployments": true,
                            "microsoft-azure-virtualmachines.patchOptions": {
                                "supportsHotpatch": false
                            },
                            "microsoft-azure-virtualmachines.recommendedVMSizes": [],
                            "microsoft-azure-virtualmachines.openPorts": [],
                            "microsoft-azure-virtualmachines.vmImages": {
                                "1.0.0": {
                                    "osVhdUrl": "https://contosostorage.blob.core.windows.net/vhds/test-vm-1.0.0.vhd?sv=2019-02-02&sr=b&sig=abc%2Bdef%3D&sp=rl",
                                    "lunVhdDetails": []
                                }
                            },
                            "regions": [
                                "US"
                            ]
                        }
                    ]
                },
                "changedTime": "2022-06-02T12:25:56.651"
            }
            """;

        private const string ContosoApp = """
            {
                "offerTypeId": "microsoft-azure-applications",
                "publisherId": "contoso",
                "status": "neverPublished",
                "id": "contoso-app",
                "version": 1,
                "definition": {
                    "displayText": "Contoso Managed Application",
                    "offer": {
                        "microsoft-azure-marketplace.title": "Contoso Managed App",
                        "microsoft-azure-marketplace.summary": "A managed application",
                        "microsoft-azure-applications.managerContactEmail": "jondoe@outlook.com"
                    },
                    "plans": [
                        {
                            "planId": "contoso-app-plan",
                            "microsoft-azure-applications.skuTitle": "Standard",
                            "microsoft-azure-applications.skuType": "ManagedApplication",
                            "microsoft-azure-applications.cloudAvailability": ["PublicAzure"],
                            "regions": ["US"]
                        }
                    ]
                },
                "changedTime": "2018-03-28T22:27:13.8363879Z"
            }
            """;

        private const string ContosoCoreVm = """
            {
                "offerTypeId": "microsoft-azure-corevm",
                "publisherId": "contoso",
                "status": "neverPublished",
                "id": "contoso-corevm",
                "version": 1,
                "definition": {
                    "displayText": "Contoso Core VM",
                    "offer": {
                        "microsoft-azure-marketplace.title": "Contoso Core VM",
                        "microsoft-azure-corevm.leadNotificationEmails": ""
                    },
                    "plans": [
                        {
                            "planId": "corevm-gen1",
                            "microsoft-azure-corevm.vmImagesPublicAzure": {
                                "2024.01.15": {
                                    "osVhdUrl": "https://contosostorage.blob.core.windows.net/vhds/core-2024.01.15.vhd",
                                    "label": "Core 2024.01.15",
                                    "mediaName": "contoso-core-2024.01.15",
                                    "publishedDate": "01/15/2024",
                                    "description": "January image",
                                    "showInGui": true,
                                    "lunVhdDetails": []
                                }
                            },
                            "diskGenerations": [
                                {
                                    "planId": "corevm-gen2",
                                    "microsoft-azure-corevm.vmImagesPublicAzure": {}
                                }
                            ]
                        }
                    ]
                },
                "changedTime": "2019-01-01T00:00:00.0000000Z"
            }
            """;

        private const string FabrikamVm = """
            {
                "offerTypeId": "microsoft-azure-virtualmachines",
                "publisherId": "fabrikam",
                "status": "neverPublished",
                "id": "fabrikam-vm",
                "version": 1,
                "definition": {
                    "displayText": "Fabrikam Virtual Machine",
                    "offer": {
                        "microsoft-azure-marketplace.title": "Fabrikam VM"
                    },
                    "plans": []
                },
                "changedTime": "2020-02-02T02:02:02.0000000Z"
            }
            """;
    }
}
