#include "dist/Rendezvous.h"

#include <gtest/gtest.h>

#include <map>

using namespace corral;

namespace {
EnvLookup envOf(const std::map<std::string, std::string> &vars)
{
    return [vars](const char *name) -> const char * {
        const auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}
}  // namespace

TEST(Rendezvous, NoLauncherMeansOneProcess)
{
    auto w = worldFromEnvironment(envOf({}));
    ASSERT_TRUE(w.ok());
    EXPECT_FALSE(w.value().distributed());
    EXPECT_EQ(w.value().source, "single");
}

TEST(Rendezvous, SlurmEnvironment)
{
    auto w = worldFromEnvironment(envOf({{"SLURM_PROCID", "3"}, {"SLURM_NTASKS", "8"}, {"SLURM_LOCALID", "1"},
                                         {"SLURM_JOB_NODELIST", "gpu[07-10,12],cpu1"}, {"SLURM_JOB_ID", "123456"}}));
    ASSERT_TRUE(w.ok()) << w.error().toString();
    EXPECT_EQ(w.value().source, "slurm");
    EXPECT_EQ(w.value().rank, 3);
    EXPECT_EQ(w.value().worldSize, 8);
    EXPECT_EQ(w.value().localRank, 1);
    EXPECT_EQ(w.value().masterAddr, "gpu07");
    EXPECT_EQ(w.value().masterPort, 20000 + 123456 % 20000);

    // MASTER_PORT from the environment, and a configured port over both.
    auto env = envOf({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}, {"SLURM_LOCALID", "0"}, {"SLURM_JOB_NODELIST", "n1"},
                      {"SLURM_JOB_ID", "5"}, {"MASTER_PORT", "29400"}});
    EXPECT_EQ(worldFromEnvironment(env).value().masterPort, 29400);
    EXPECT_EQ(worldFromEnvironment(env, 31000).value().masterPort, 31000);
}

TEST(Rendezvous, TorchrunEnvironment)
{
    auto w = worldFromEnvironment(envOf({{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "1"},
                                         {"MASTER_ADDR", "10.0.0.5"}, {"MASTER_PORT", "29500"}}));
    ASSERT_TRUE(w.ok()) << w.error().toString();
    EXPECT_EQ(w.value().source, "env");
    EXPECT_EQ(w.value().masterAddr, "10.0.0.5");
    EXPECT_EQ(w.value().masterPort, 29500);
    EXPECT_EQ(w.value().localRank, 1);
}

TEST(Rendezvous, BadEnvironmentsNameTheVariable)
{
    struct Case {
        std::map<std::string, std::string> vars;
        std::string error;
    };
    const Case cases[] = {
        {{{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "1"}}, "MASTER_ADDR: is not set"},
        {{{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}}, "MASTER_PORT: is not set"},
        {{{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}},
         "RANK: rank 2 is outside a world of 2"},
        {{{"RANK", "x"}, {"WORLD_SIZE", "2"}}, "RANK: must be an integer in 0..1048576, got 'x'"},
        {{{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}},
         "MASTER_PORT: must be an integer in 1..65535, got '70000'"},
        {{{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}, {"SLURM_LOCALID", "0"}, {"SLURM_JOB_ID", "1"}},
         "SLURM_JOB_NODELIST: is not set; it names the master host"},
        {{{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}}, "SLURM_LOCALID: is not set"},
    };
    for (const auto &c : cases) {
        auto w = worldFromEnvironment(envOf(c.vars));
        ASSERT_FALSE(w.ok()) << c.error;
        EXPECT_EQ(w.error().toString(), c.error);
    }
}

TEST(Rendezvous, FirstHostOfNodeLists)
{
    EXPECT_EQ(firstHostOfNodeList("node17"), "node17");
    EXPECT_EQ(firstHostOfNodeList("a,b,c"), "a");
    EXPECT_EQ(firstHostOfNodeList("gpu[03-05,09]"), "gpu03");
    EXPECT_EQ(firstHostOfNodeList("rack[2-3]-n[1-4]"), "rack2-n1");
    EXPECT_EQ(firstHostOfNodeList("x[10]y,z"), "x10y");
}
