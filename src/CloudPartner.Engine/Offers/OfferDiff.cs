using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Json;

namespace CloudPartner.Engine.Offers
{
    internal enum ChangeKind
    {
        Added,
        Removed,
        Modified,
    }

    /// <summary>One difference: where (a JSON Pointer), what kind, and the values on each side (null when absent).</summary>
    internal sealed class OfferChange
    {
        public OfferChange(string path, ChangeKind kind, JsonNode? before, JsonNode? after)
        {
            Path = path;
            Kind = kind;
            Before = before;
            After = after;
        }

        public string Path { get; }

        public ChangeKind Kind { get; }

        public JsonNode? Before { get; }

        public JsonNode? After { get; }

        /// <summary>The first two segments of the path (<c>/definition/plans</c>), by which changes are summed up.</summary>
        public string Area
        {
            get
            {
                var segments = Path.Split('/');
                return segments.Length <= 3 ? Path : "/" + segments[1] + "/" + segments[2];
            }
        }
    }

    /// <summary>
    /// The structured difference between two offer documents, in document order. Arrays of objects that all carry one
    /// id key are matched by it (reordering is not a change); other arrays by position. Scalars compare as the lossless
    /// reader keeps them: number text exactly (an Int64 stays exact, 1.0 is not 1), strings (dates included) as text.
    /// Keys that change on every write are left out unless asked for.
    /// </summary>
    internal static class OfferDiff
    {
        /// <summary>The keys by which array elements are matched, in order of preference.</summary>
        public static readonly IReadOnlyList<string> IdKeys = new[] { "planId", "id", "externalId", "durableId", "resourceName", "name" };

        /// <summary>Changed by the service on every write: <c>changedTime</c> at any depth.</summary>
        private static readonly string[] VolatileAnywhere = { "changedTime" };

        /// <summary>Top-level keys that change on every write or publish (the resource tree's <c>target</c> included).</summary>
        private static readonly string[] VolatileAtTop = { "version", "status", "etag", "eTag", "@odata.etag", "target" };

        public static IReadOnlyList<OfferChange> Compare(JsonNode? reference, JsonNode? difference, bool includeVolatile = false)
        {
            var changes = new List<OfferChange>();
            CompareNodes(string.Empty, reference, difference, includeVolatile, depth: 0, changes);
            return changes;
        }

        /// <summary>A JSON Pointer segment (RFC 6901): ~ and / escaped.</summary>
        public static string Escape(string key) => key.Replace("~", "~0").Replace("/", "~1");

        private static void CompareNodes(string path, JsonNode? reference, JsonNode? difference, bool includeVolatile, int depth, List<OfferChange> changes)
        {
            if (reference is JsonObject referenceObject && difference is JsonObject differenceObject)
            {
                CompareObjects(path, referenceObject, differenceObject, includeVolatile, depth, changes);
            }
            else if (reference is JsonArray referenceArray && difference is JsonArray differenceArray)
            {
                CompareArrays(path, referenceArray, differenceArray, includeVolatile, depth, changes);
            }
            else if (!SameValue(reference, difference))
            {
                changes.Add(new OfferChange(path.Length == 0 ? "/" : path, ChangeKind.Modified, reference, difference));
            }
        }

        private static void CompareObjects(string path, JsonObject reference, JsonObject difference, bool includeVolatile, int depth, List<OfferChange> changes)
        {
            bool Kept(string key) => includeVolatile
                || (!VolatileAnywhere.Contains(key, StringComparer.Ordinal) && !(depth == 0 && VolatileAtTop.Contains(key, StringComparer.Ordinal)));

            // Document order: the difference's keys as they stand, each key found only in the reference placed after the
            // last key it shares with the difference that comes before it in the reference.
            var removedAfter = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var leading = new List<string>();
            string? previousShared = null;
            foreach (var pair in reference)
            {
                if (difference.ContainsKey(pair.Key))
                {
                    previousShared = pair.Key;
                }
                else if (previousShared is null)
                {
                    leading.Add(pair.Key);
                }
                else
                {
                    if (!removedAfter.TryGetValue(previousShared, out var list))
                    {
                        removedAfter[previousShared] = list = new List<string>();
                    }

                    list.Add(pair.Key);
                }
            }

            void Removed(IEnumerable<string> keys)
            {
                foreach (var key in keys.Where(Kept))
                {
                    changes.Add(new OfferChange(path + "/" + Escape(key), ChangeKind.Removed, reference[key], null));
                }
            }

            Removed(leading);
            foreach (var pair in difference)
            {
                if (Kept(pair.Key))
                {
                    var childPath = path + "/" + Escape(pair.Key);
                    if (reference.TryGetPropertyValue(pair.Key, out var before))
                    {
                        CompareNodes(childPath, before, pair.Value, includeVolatile, depth + 1, changes);
                    }
                    else
                    {
                        changes.Add(new OfferChange(childPath, ChangeKind.Added, null, pair.Value));
                    }
                }

                if (removedAfter.TryGetValue(pair.Key, out var following))
                {
                    Removed(following);
                }
            }
        }

        private static void CompareArrays(string path, JsonArray reference, JsonArray difference, bool includeVolatile, int depth, List<OfferChange> changes)
        {
            var key = MatchingKey(reference, difference);
            if (key is null)
            {
                var common = Math.Min(reference.Count, difference.Count);
                for (var i = 0; i < common; i++)
                {
                    CompareNodes(path + "/" + i, reference[i], difference[i], includeVolatile, depth + 1, changes);
                }

                for (var i = common; i < difference.Count; i++)
                {
                    changes.Add(new OfferChange(path + "/" + i, ChangeKind.Added, null, difference[i]));
                }

                for (var i = common; i < reference.Count; i++)
                {
                    changes.Add(new OfferChange(path + "/" + i, ChangeKind.Removed, reference[i], null));
                }

                return;
            }

            var referenceIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < reference.Count; i++)
            {
                referenceIndex[IdOf(reference[i], key)!] = i;
            }

            var matched = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < difference.Count; i++)
            {
                var id = IdOf(difference[i], key)!;
                if (referenceIndex.TryGetValue(id, out var j))
                {
                    matched.Add(id);
                    CompareNodes(path + "/" + i, reference[j], difference[i], includeVolatile, depth + 1, changes);
                }
                else
                {
                    changes.Add(new OfferChange(path + "/" + i, ChangeKind.Added, null, difference[i]));
                }
            }

            for (var j = 0; j < reference.Count; j++)
            {
                if (!matched.Contains(IdOf(reference[j], key)!))
                {
                    changes.Add(new OfferChange(path + "/" + j, ChangeKind.Removed, reference[j], null));
                }
            }
        }

        /// <summary>The id key every element of both arrays has, with a scalar value unique within each array; else null.</summary>
        private static string? MatchingKey(JsonArray reference, JsonArray difference)
        {
            if (reference.Count + difference.Count == 0 || reference.Concat(difference).Any(e => !(e is JsonObject)))
            {
                return null;
            }

            foreach (var key in IdKeys)
            {
                if (UniqueIds(reference, key) && UniqueIds(difference, key))
                {
                    return key;
                }
            }

            return null;
        }

        private static bool UniqueIds(JsonArray array, string key)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var element in array)
            {
                var id = IdOf(element, key);
                if (id is null || !seen.Add(id))
                {
                    return false;
                }
            }

            return true;
        }

        private static string? IdOf(JsonNode? element, string key)
        {
            return element is JsonObject obj && obj.TryGetPropertyValue(key, out var value) && value is JsonValue scalar
                ? LosslessJson.Write(scalar)
                : null;
        }

        private static bool SameValue(JsonNode? reference, JsonNode? difference)
        {
            if (reference is null || difference is null)
            {
                return reference is null && difference is null;
            }

            if (reference.GetValueKind() != difference.GetValueKind())
            {
                return false;
            }

            return reference.GetValueKind() == JsonValueKind.String
                ? string.Equals(reference.GetValue<string>(), difference.GetValue<string>(), StringComparison.Ordinal)
                : string.Equals(LosslessJson.Write(reference), LosslessJson.Write(difference), StringComparison.Ordinal);
        }
    }

    /// <summary>What a comparison of one offer comes to: counts, and the areas (first two path segments) it touches.</summary>
    internal sealed class OfferChangeSummary
    {
        public OfferChangeSummary(IReadOnlyList<OfferChange> changes)
        {
            Added = changes.Count(c => c.Kind == ChangeKind.Added);
            Removed = changes.Count(c => c.Kind == ChangeKind.Removed);
            Modified = changes.Count(c => c.Kind == ChangeKind.Modified);
            Areas = changes.Select(c => c.Area).Distinct(StringComparer.Ordinal).ToList();
        }

        public int Added { get; }

        public int Removed { get; }

        public int Modified { get; }

        public int Total => Added + Removed + Modified;

        public IReadOnlyList<string> Areas { get; }

        /// <summary>"12 changes under /definition/plans, /definition/offer" (the go-live -WhatIf line).</summary>
        public string Describe()
        {
            if (Total == 0)
            {
                return "no changes";
            }

            var text = new StringBuilder().Append(Total).Append(Total == 1 ? " change" : " changes");
            return Areas.Count == 0 ? text.ToString() : text.Append(" under ").Append(string.Join(", ", Areas)).ToString();
        }
    }
}
