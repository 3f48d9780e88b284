package io.facesearch.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.facesearch.architecture.cyclea.CallsB;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency check of the build (issue 22): no cycles between the packages {@code io.facesearch.*} and SQL only in
 * package {@code store}. It lives in the tools module because tools sees every module's classes (vision, gallery,
 * server and tools itself).
 */
class DependencyRulesTest {

  private static JavaClasses product;

  @BeforeAll
  static void importEveryModule() {
    product =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.facesearch");
  }

  @Test
  void the_check_sees_the_classes_of_every_module() {
    for (String name :
        new String[] {
          "io.facesearch.pipeline.FacePipeline",
          "io.facesearch.gallery.Gallery",
          "io.facesearch.store.Database",
          "io.facesearch.cli.Main",
          "io.facesearch.bench.Soak"
        }) {
      assertTrue(product.contain(name), name + " is not among the checked classes");
    }
  }

  @Test
  void no_cycles_between_packages() {
    noCycles("io.facesearch.(*)..").check(product);
  }

  @Test
  void no_sql_outside_the_store_package() {
    sqlOnlyInStore().check(product);
  }

  @Test
  void the_rules_fail_on_a_cycle_and_on_sql_elsewhere() {
    JavaClasses fixtures =
        new ClassFileImporter()
            .importPackages(
                "io.facesearch.architecture.cyclea", "io.facesearch.architecture.cycleb");
    assertThrows(
        AssertionError.class, () -> noCycles("io.facesearch.architecture.(*)..").check(fixtures));
    assertThrows(
        AssertionError.class,
        () -> sqlOnlyInStore().check(new ClassFileImporter().importClasses(CallsB.class)));
  }

  static ArchRule noCycles(String slicePattern) {
    return slices().matching(slicePattern).should().beFreeOfCycles();
  }

  static ArchRule sqlOnlyInStore() {
    return noClasses()
        .that()
        .resideOutsideOfPackage("io.facesearch.store..")
        .should()
        .dependOnClassesThat()
        .belongToAnyOf(Connection.class, PreparedStatement.class, Statement.class, ResultSet.class)
        .because("SQL lives only in package store");
  }
}
